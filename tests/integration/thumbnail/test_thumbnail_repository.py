"""The thumbnail repository guards its writes by the batch's current job, at the write itself."""

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import ClipBatchConfig, ClipsScored
from viralclip_thumbnail.repository import MongoThumbnailRepository
from viralclip_thumbnail.thumbnails import ThumbnailOutcome

pytestmark = pytest.mark.integration


def scored(job_id: str) -> ClipsScored:
    return ClipsScored(
        batch_id="b-1",
        video_id="v-1",
        job_id=job_id,
        producer="scoring",
        config=ClipBatchConfig(),
        clips=(),
        windows_total=1,
        windows_failed=0,
    )


async def test_thumbnails_of_a_superseded_job_are_not_recorded(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    repository = MongoThumbnailRepository(mongo_db)
    await mongo_db["clip_batches"].insert_one({"_id": "b-1", "current_job_id": "j-2"})
    await mongo_db["clips"].insert_one({"_id": "c-1", "clip_batch_id": "b-1", "thumbnail_path": "t/new.jpg"})

    stale = await repository.record_thumbnails(scored("j-1"), [ThumbnailOutcome("c-1", error="late")])
    current = await repository.record_thumbnails(scored("j-2"), [ThumbnailOutcome("c-1", "t/c-1.jpg")])

    assert (stale, current) == (False, True)
    doc = await mongo_db["clips"].find_one({"_id": "c-1"})
    assert doc is not None
    assert (doc["thumbnail_path"], doc["thumbnail_error"]) == ("t/c-1.jpg", None)
