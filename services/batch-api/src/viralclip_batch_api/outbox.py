"""The outbox relay: publishes the events that batch documents carry in their `outbox`, then marks them sent.

Creating (or retrying) a batch writes the batch and its `batch.created` event in one document write.
The relay publishes every pending entry and sets its `sent_at`; it runs at start-up, when woken after a
write, and every poll interval. A crash between the write and the publish strands nothing: the entry is
still pending and the next relay publishes it. A crash between publish and mark re-publishes the same
event (same event_id), which consumers de-duplicate. An entry that no longer validates (a stored event of
an older contract, a hand-edited document) is quarantined — kept with its reason, counted in the metrics —
and the relay goes on with the others.
"""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Protocol

from faststream.kafka import KafkaBroker
from pydantic import ValidationError

from viralclip_contracts import EVENT_BY_TOPIC, Event
from viralclip_runtime import TRANSIENT_ERRORS, publish_event, trace_context

from .documents import Document
from .repository import Repository
from .settings import BatchApiSettings

logger = logging.getLogger(__name__)
_PENDING = {"outbox": {"$elemMatch": {"sent_at": None, "quarantined_at": None}}}


class EventPublisher(Protocol):
    """Port: put one contract event on its topic (keyed by batch id)."""

    async def publish(self, topic: str, event: Event) -> None: ...


class KafkaEventPublisher:
    """The real publisher: the service's broker, with this deployment's topic names."""

    def __init__(self, broker: KafkaBroker, settings: BatchApiSettings) -> None:
        self._broker = broker
        self._settings = settings

    async def publish(self, topic: str, event: Event) -> None:
        async with asyncio.timeout(self._settings.publish_timeout_sec):
            await publish_event(self._broker, self._settings.topic(topic), event)


class OutboxRelay:
    """Publishes pending outbox entries; `wake()` after a write, `run()` as the service's task."""

    def __init__(self, repo: Repository, publisher: EventPublisher, *, poll_interval_sec: float) -> None:
        self._repo = repo
        self._publisher = publisher
        self._poll_interval_sec = poll_interval_sec
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        """Look for pending events now rather than at the next poll."""
        self._wakeup.set()

    async def publish_pending(self) -> int:
        """Publish every pending entry of every batch, oldest batch first; returns how many."""
        published = 0
        cursor = self._repo.batches.find(_PENDING, {"outbox": 1}).sort("created_at", 1)
        async for doc in cursor:
            for entry in doc["outbox"]:
                if entry.get("sent_at") is None and entry.get("quarantined_at") is None:
                    published += await self._publish(doc["_id"], entry)
        return published

    async def _publish(self, batch_id: str, entry: Document) -> int:
        try:
            event = EVENT_BY_TOPIC[entry["topic"]].model_validate(entry["event"])
        except (KeyError, TypeError, ValidationError) as error:
            await self._quarantine(batch_id, entry, error)
            return 0
        with trace_context(entry.get("trace_context") or {}):  # the trace of the request that wrote it
            await self._publisher.publish(entry["topic"], event)
            await self._repo.batches.update_one(
                {"_id": batch_id, "outbox.event_id": entry["event_id"]},
                {"$set": {"outbox.$.sent_at": datetime.now(UTC)}},
            )
            logger.info("outbox event published", extra={"batch_id": batch_id, "topic": entry["topic"]})
        return 1

    async def _quarantine(self, batch_id: str, entry: Document, error: Exception) -> None:
        """Set aside an entry that no longer validates (kept in the document, with the reason, counted by
        `viralclip_outbox_quarantined`), so the entries behind it still go out."""
        reason = f"{type(error).__name__}: {error}"[:1000]
        await self._repo.batches.update_one(
            {"_id": batch_id, "outbox.event_id": entry.get("event_id")},
            {"$set": {"outbox.$.quarantined_at": datetime.now(UTC), "outbox.$.quarantine_error": reason}},
        )
        logger.error(
            "outbox entry quarantined: it no longer validates against the contract",
            extra={"batch_id": batch_id, "event_id": entry.get("event_id"), "error": reason},
        )

    async def run(self) -> None:
        """Relay until cancelled. Broker or database outages are retried at the next poll;
        anything else ends the task, which `/readyz` then reports."""
        while True:
            self._wakeup.clear()
            try:
                await self.publish_pending()
            except TRANSIENT_ERRORS as error:
                logger.warning("outbox relay: dependency unavailable", extra={"error": repr(error)})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll_interval_sec)
