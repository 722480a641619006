"""MongoDB access of the windowing service: reads `videos`, writes `windows` (one document per job)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import BatchCreated, Event, Video
from viralclip_runtime import is_stale_job, load_video

from .windows import WindowPlan

WINDOWS = "windows"


class WindowRepository(ABC):
    """Port: what the handler reads and writes."""

    @abstractmethod
    async def is_stale(self, event: Event) -> bool:
        """Whether the batch has moved on to another job than the event's."""

    @abstractmethod
    async def load_video(self, video_id: str) -> Video | None:
        """The registered video, None when there is none; InvalidVideoRecord when it is malformed."""

    @abstractmethod
    async def store_windows(self, event: BatchCreated, plan: WindowPlan) -> bool:
        """Store the job's windows once: a second call for the same job changes nothing. False (and
        nothing written) when a retry superseded the event's job meanwhile."""


class MongoWindowRepository(WindowRepository):
    """The repository over the `videos`, `windows` and `clip_batches` collections."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._db = db

    async def is_stale(self, event: Event) -> bool:
        return await is_stale_job(self._db, event)

    async def load_video(self, video_id: str) -> Video | None:
        return await load_video(self._db, video_id)

    async def store_windows(self, event: BatchCreated, plan: WindowPlan) -> bool:
        if await is_stale_job(self._db, event):  # checked again at the write, not only on arrival
            return False
        await self._db[WINDOWS].update_one(
            {"_id": event.job_id},
            {"$setOnInsert": windows_document(event, plan)},
            upsert=True,
        )
        return True


def windows_document(event: BatchCreated, plan: WindowPlan) -> dict[str, Any]:
    """The `windows` document of a job (without `_id`, which is the job id)."""
    return {
        "job_id": event.job_id,
        "batch_id": event.batch_id,
        "video_id": event.video_id,
        "clip_length_preset": event.config.clip_length_preset.value,
        "timeframe": {"start_sec": plan.span.start, "end_sec": plan.span.end},
        "overlap": plan.overlap.value,
        "speech_coverage": plan.speech_coverage,
        "derived_scenes": plan.derived_scenes,
        "measured_words": plan.measured_words,
        "window_count": len(plan.windows),
        "windows": [window.model_dump(mode="json") for window in plan.windows],
        "created_at": datetime.now(UTC),
    }
