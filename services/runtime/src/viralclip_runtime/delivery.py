"""The ack policy of a consumer: at-least-once delivery, exactly once in effect.

A handler body calls `deliver(...)`; the offset is committed only after the work (its writes and its
outgoing event) succeeded and the inbox remembers the event. A re-delivered event the inbox knows is
acked without work. A transient fault outlasting the retries nacks the message (it comes back); an
unexpected error is reported, parks the message on the dead-letter topic and only then acks it, so one
bad message never stops the consumer.
"""

import logging
from collections.abc import Awaitable, Callable

from faststream.kafka import KafkaMessage

from viralclip_contracts import Event

from .deadletter import DeadLetters, PoisonMessage
from .inbox import Inbox
from .logs import event_context
from .retry import RetriesExhausted, RetryPolicy

logger = logging.getLogger(__name__)

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
