"""MongoDB access of the render service: reads `videos`; writes only the `render.*` fields of `exports`.

batch-api creates each `exports` document (`_id` = export id) and projects its status from the render's
events; the render service owns `render.progress` (0–1), `render.started_at` and `render.attempts`, so
the API can show a live progress bar. It never creates an export document (no upsert).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Video
from viralclip_runtime import load_video

EXPORTS = "exports"


class RenderRepository(ABC):
    """Port: what the handler reads and writes."""

    @abstractmethod
    async def load_video(self, video_id: str) -> Video | None:
        """The registered video, None when there is none; InvalidVideoRecord when it is malformed."""

    @abstractmethod
    async def record_render_start(self, export_id: str, at: datetime) -> None:
        """A render attempt begins: `render.started_at`, `render.progress` 0, `render.attempts` + 1."""

    @abstractmethod
    async def record_progress(self, export_id: str, progress: float) -> None:
        """Set `render.progress` (0–1)."""


class MongoRenderRepository(RenderRepository):
    """The repository over the `videos` and `exports` collections."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._db = db

    async def load_video(self, video_id: str) -> Video | None:
        return await load_video(self._db, video_id)

    async def record_render_start(self, export_id: str, at: datetime) -> None:
        await self._db[EXPORTS].update_one(
            {"_id": export_id},
            {"$set": {"render.started_at": at, "render.progress": 0.0}, "$inc": {"render.attempts": 1}},
        )

    async def record_progress(self, export_id: str, progress: float) -> None:
        await self._db[EXPORTS].update_one({"_id": export_id}, {"$set": {"render.progress": progress}})
