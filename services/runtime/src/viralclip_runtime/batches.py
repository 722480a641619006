"""Reading the `clip_batches` collection (written by batch-api): which job of a batch is current."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Event

CLIP_BATCHES = "clip_batches"


async def is_stale_job(db: AsyncDatabase[dict[str, Any]], event: Event) -> bool:
    """True when the batch has moved on to another job than the event's (a retry superseded it)."""
    batch = await db[CLIP_BATCHES].find_one({"_id": event.batch_id}, {"current_job_id": 1})
    return batch is not None and batch.get("current_job_id", event.job_id) != event.job_id
