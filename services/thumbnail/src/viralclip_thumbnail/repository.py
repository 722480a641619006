"""MongoDB access of the thumbnail service: reads `videos`, writes only the thumbnail fields of `clips`."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Event, Video
from viralclip_runtime import is_stale_job, load_video

from .thumbnails import ThumbnailOutcome

logger = logging.getLogger(__name__)


class ThumbnailRepository(ABC):
    """Port: what the handler reads and writes."""

    @abstractmethod
    async def is_stale(self, event: Event) -> bool:
        """Whether the batch has moved on to another job than the event's."""

    @abstractmethod
    async def load_video(self, video_id: str) -> Video | None:
        """The registered video, None when there is none; InvalidVideoRecord when it is malformed."""

    @abstractmethod
    async def record_thumbnails(self, event: Event, outcomes: Sequence[ThumbnailOutcome]) -> bool:
        """Set each clip's `thumbnail_path` and `thumbnail_error` (idempotent). False, and nothing
        written, when the event's job was superseded by a retry meanwhile."""


class MongoThumbnailRepository(ThumbnailRepository):
    """The repository over the `videos`, `clips` and `clip_batches` collections."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._db = db

    async def is_stale(self, event: Event) -> bool:
        return await is_stale_job(self._db, event)

    async def load_video(self, video_id: str) -> Video | None:
        return await load_video(self._db, video_id)

    async def record_thumbnails(self, event: Event, outcomes: Sequence[ThumbnailOutcome]) -> bool:
        if await is_stale_job(self._db, event):  # checked again at the write, not only on arrival
            return False
        if not outcomes:
            return True
        updates = [
            UpdateOne(
                {"_id": outcome.clip_id, "clip_batch_id": event.batch_id},
                {"$set": {"thumbnail_path": outcome.thumbnail_path, "thumbnail_error": outcome.error}},
            )
            for outcome in outcomes
        ]
        result = await self._db["clips"].bulk_write(updates, ordered=False)
        if result.matched_count < len(outcomes):
            logger.warning(
                "some clips of the batch are not stored; their thumbnails are only in the event",
                extra={"stored": result.matched_count, "clips": len(outcomes)},
            )
        return True
