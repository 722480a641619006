"""Worker heartbeats: each worker process, while it consumes, refreshes one document in
`worker_heartbeats` every few seconds, and removes it when it stops; batch-api's `/status` counts the
fresh ones per service to tell which stages have a live consumer.

Why documents and not the broker's consumer-group membership: the embedded Tansu broker answers
DescribeGroups, but keeps a member listed after it left the group or its session expired, so a stopped
worker would still look alive. A heartbeat that stops when the process stops cannot lie that way.
"""

import asyncio
import contextlib
import logging
import os
import socket
from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from .mongo import Document
from .retry import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)
WORKER_HEARTBEATS = "worker_heartbeats"


class Heartbeat:
    """One worker process's heartbeat document (`_id` = service/host/pid)."""

    def __init__(self, db: AsyncDatabase[Document], *, service: str, group: str, every_sec: float) -> None:
        self._collection = db[WORKER_HEARTBEATS]
        self._service = service
        self._group = group
        self._every_sec = every_sec
        self.instance = f"{service}/{socket.gethostname()}/{os.getpid()}"
        self._task: asyncio.Task[None] | None = None

    async def beat(self) -> None:
        """Say this worker is alive now."""
        await self._collection.update_one(
            {"_id": self.instance},
            {
                "$set": {"service": self._service, "group": self._group, "seen_at": datetime.now(UTC)},
                "$setOnInsert": {"started_at": datetime.now(UTC)},
            },
            upsert=True,
        )

    async def _run(self) -> None:
        while True:
            try:
                await self.beat()
            except TRANSIENT_ERRORS as error:
                logger.warning("heartbeat not written; database unavailable", extra={"error": repr(error)})
            await asyncio.sleep(self._every_sec)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="heartbeat")

    async def stop(self) -> None:
        """Stop beating and remove the document, so the worker stops counting at once."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        with contextlib.suppress(*TRANSIENT_ERRORS):
            await asyncio.wait_for(self._collection.delete_one({"_id": self.instance}), timeout=5)
