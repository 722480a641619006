"""The inbox: event ids a consumer group has fully processed, so a re-delivery is skipped."""

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Event

CONSUMED_EVENTS = "consumed_events"


class Inbox:
    """Event ids a consumer group has fully processed (collection `consumed_events`)."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], *, group: str) -> None:
        self._collection = db[CONSUMED_EVENTS]
        self._group = group

    def _key(self, event: Event) -> str:
        return f"{self._group}/{event.event_id}"

    async def seen(self, event: Event) -> bool:
        return await self._collection.find_one({"_id": self._key(event)}, {"_id": 1}) is not None

    async def remember(self, event: Event) -> None:
        await self._collection.update_one(
            {"_id": self._key(event)},
            {
                "$setOnInsert": {
                    "group": self._group,
                    "event_type": event.event_type,
                    "batch_id": event.batch_id,
                    "at": datetime.now(UTC),
                }
            },
            upsert=True,
        )
