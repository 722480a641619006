"""The outbox relay: publishes the events that batch documents carry in their `outbox`, then marks them sent.

Creating (or retrying) a batch writes the batch and its `batch.created` event in one document write;
requesting a clip export pushes its `clip.export_requested` into the batch's outbox the same way.
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
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Protocol

from faststream.kafka import KafkaBroker

from viralclip_contracts import Event
from viralclip_runtime import TRANSIENT_ERRORS, publish_event, trace_context

from ..core.records import OutboxEntry
from ..settings import BatchApiSettings
from .repository import Repository

logger = logging.getLogger(__name__)


BeforePublish = Callable[[Event], Awaitable[None]]


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

    def __init__(
        self,
        repo: Repository,
        publisher: EventPublisher,
        *,
        poll_interval_sec: float,
        before_publish: BeforePublish | None = None,
    ) -> None:
        self._repo = repo
        self._publisher = publisher
        self._before_publish = before_publish
        self._poll_interval_sec = poll_interval_sec
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        """Look for pending events now rather than at the next poll."""
        self._wakeup.set()

    async def publish_pending(self) -> int:
        """Publish every pending entry of every batch, oldest batch first; returns how many."""
        published = 0
        async for pending in self._repo.pending_outbox():
            if pending.entry is None:
                await self._quarantine(pending.batch_id, pending.event_id, pending.error)
                continue
            await self._publish(pending.batch_id, pending.entry)
            published += 1
        return published

    async def _quarantine(self, batch_id: str, event_id: str, error: Exception | None) -> None:
        """Set aside an entry that no longer validates (kept in the document, with the reason, counted by
        `viralclip_outbox_quarantined`), so the entries behind it still go out."""
        reason = f"{type(error).__name__}: {error}"[:1000]
        await self._repo.quarantine(batch_id, event_id, reason=reason, at=datetime.now(UTC))
        logger.error(
            "outbox entry quarantined: it no longer validates against the contract",
            extra={"batch_id": batch_id, "event_id": event_id, "error": reason},
        )

    async def _publish(self, batch_id: str, entry: OutboxEntry) -> None:
        if self._before_publish is not None:  # e.g. an export request's document, before the render sees it
            await self._before_publish(entry.event)
        with trace_context(entry.trace_context):  # the trace of the request that wrote it
            await self._publisher.publish(entry.topic, entry.event)
            await self._repo.mark_sent(batch_id, entry.event_id, at=datetime.now(UTC))
            logger.info("outbox event published", extra={"batch_id": batch_id, "topic": entry.topic})

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
