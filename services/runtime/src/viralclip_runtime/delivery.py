"""At-least-once delivery for a consumer: de-duplicate, do the work with retries, then ack.

A handler body calls `deliver(...)`; the offset is committed only after the work (its writes and its
outgoing event) succeeded. A transient fault outlasting the retries nacks the message (it comes back);
an unexpected error parks it on the dead-letter topic and reports it, so one bad message never stops
the consumer.
"""

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from faststream.kafka import KafkaMessage
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Event

from .deadletter import DeadLetters, PoisonMessage
from .logs import event_context
from .retry import RetriesExhausted, RetryPolicy

logger = logging.getLogger(__name__)

_EVENT_ID_NAMESPACE = uuid.UUID("5b0d3a52-8f1e-4c55-9d7e-1f0c6c3b7a10")
CONSUMED_EVENTS = "consumed_events"
E = TypeVar("E", bound=Event)


def derived_event_id(job_id: str, event_type: str) -> uuid.UUID:
    """The id of the event a stage emits for a job: the same on every re-delivery of its input."""
    return uuid.uuid5(_EVENT_ID_NAMESPACE, f"{job_id}/{event_type}")


def next_event(cause: Event, kind: type[E], *, producer: str, **payload: Any) -> E:
    """The event a stage emits in answer to `cause`: same batch, video and job; its id derived from the
    job and the event type, so a re-delivered cause yields the same event."""
    event_type = kind.model_fields["event_type"].default
    if not isinstance(event_type, str):
        raise TypeError(f"{kind.__name__} has no fixed event_type, so no event id can be derived for it")
    return kind(
        event_id=derived_event_id(cause.job_id, event_type),
        batch_id=cause.batch_id,
        video_id=cause.video_id,
        job_id=cause.job_id,
        producer=producer,
        **payload,
    )


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


async def is_stale_job(db: AsyncDatabase[dict[str, Any]], event: Event) -> bool:
    """True when the batch has moved on to another job than the event's (a retry superseded it)."""
    batch = await db["clip_batches"].find_one({"_id": event.batch_id}, {"current_job_id": 1})
    return batch is not None and batch.get("current_job_id", event.job_id) != event.job_id


Work = Callable[[], Awaitable[None]]
OnUnexpected = Callable[[Exception], Awaitable[None]]


async def deliver(
    message: KafkaMessage,
    event: Event,
    *,
    inbox: Inbox,
    work: Work,
    retry: RetryPolicy,
    dead_letters: DeadLetters,
    on_unexpected: OnUnexpected | None = None,
) -> None:
    """Process `event` at least once and exactly once in effect; see the module docstring."""
    with event_context(event):
        try:
            if await retry.run(lambda: inbox.seen(event), what="inbox lookup"):
                logger.info("duplicate event skipped")
                await message.ack()
                return
            await retry.run(work, what=f"handling {event.event_type}")
            await retry.run(lambda: inbox.remember(event), what="inbox write")
        except RetriesExhausted as error:
            logger.error(
                "dependency still unavailable; message will be redelivered",
                extra={"error": str(error)},
            )
            await message.nack()
            return
        except Exception as error:
            logger.exception("handler failed unexpectedly; message dead-lettered")
            await _give_up(
                message, error, retry=retry, dead_letters=dead_letters, on_unexpected=on_unexpected
            )
            return
        await message.ack()


async def _give_up(
    message: KafkaMessage,
    error: Exception,
    *,
    retry: RetryPolicy,
    dead_letters: DeadLetters,
    on_unexpected: OnUnexpected | None,
) -> None:
    """Report the failure, park the message on its dead-letter topic, then ack it. The ack comes last:
    a message acked before its report and its dead letter were sent would be lost with them, so when
    either still fails after the retries the message is nacked and comes back."""
    try:
        if on_unexpected is not None:
            report = on_unexpected
            try:
                await retry.run(lambda: report(error), what="reporting failure")
            except RetriesExhausted:
                raise
            except Exception:
                logger.exception("reporting the failure failed; the message is dead-lettered all the same")
        poison = PoisonMessage("handler-error", repr(error))
        await retry.run(lambda: dead_letters.publish(message, poison), what="dead-lettering")
    except RetriesExhausted as exhausted:
        logger.error(
            "could not report or dead-letter the failed message; it will be redelivered",
            extra={"error": str(exhausted)},
        )
        await message.nack()
        return
    await message.ack()
