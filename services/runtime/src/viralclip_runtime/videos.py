"""Reading the `videos` collection (written by batch-api) as the contracts' `Video`."""

from typing import Any

from pydantic import ValidationError
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Video

VIDEOS = "videos"


class InvalidVideoRecord(ValueError):
    """The registered video document does not have the fields of a Video; the message is for the creator."""


async def load_video(db: AsyncDatabase[dict[str, Any]], video_id: str) -> Video | None:
    """The registered video, None when there is none; InvalidVideoRecord when its document is malformed."""
    document = await db[VIDEOS].find_one({"_id": video_id})
    if document is None:
        return None
    try:
        return Video.model_validate({**document, "video_id": document["_id"]})
    except ValidationError as error:
        fields = ", ".join(".".join(map(str, e["loc"])) for e in error.errors()[:5])
        raise InvalidVideoRecord(
            f"Video {video_id} is registered with invalid fields ({fields}). "
            "Register the video again, then retry the batch."
        ) from None
