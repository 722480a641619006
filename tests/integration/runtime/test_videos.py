"""Stages read registered videos as the contracts' Video; a malformed record is named, not a crash."""

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Video
from viralclip_runtime import InvalidVideoRecord, load_video

pytestmark = pytest.mark.integration


async def test_a_registered_video_loads_a_missing_one_is_none_and_a_malformed_one_is_named(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    video = Video(video_id="v-ok", title="Talk", media_path="videos/talk.mp4", duration_sec=60.0)
    await mongo_db["videos"].insert_one(
        {"_id": "v-ok", **video.model_dump(mode="json", exclude={"video_id"})}
    )
    await mongo_db["videos"].insert_one({"_id": "v-bad", "title": "Talk", "media_path": "x.mp4"})

    assert await load_video(mongo_db, "v-ok") == video
    assert await load_video(mongo_db, "v-missing") is None
    with pytest.raises(
        InvalidVideoRecord, match=r"Video v-bad is registered with invalid fields \(duration_sec\)"
    ):
        await load_video(mongo_db, "v-bad")
