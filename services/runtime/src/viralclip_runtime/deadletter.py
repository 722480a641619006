"""Dead letters: a message that cannot be parsed or validated is parked on `<topic>.dlq` and acked.

The consumer then moves on to the next message. Headers say what was wrong and where the message came
from, so `viralclip-dlq redrive` can put it back once the cause is fixed.
"""

import json
import logging
from typing import TYPE_CHECKING, Any

from faststream import BaseMiddleware
from faststream.kafka import KafkaBroker
from pydantic import ValidationError

from viralclip_contracts import dead_letter_topic

from .retry import RetriesExhausted, RetryPolicy

if TYPE_CHECKING:
    from faststream._internal.basic_types import AsyncFuncAny
    from faststream._internal.context.repository import ContextRepo
    from faststream.message import StreamMessage

logger = logging.getLogger(__name__)

ERROR_HEADER = "x-dlq-error"
KIND_HEADER = "x-dlq-error-kind"
SOURCE_TOPIC_HEADER = "x-dlq-source-topic"
SOURCE_PARTITION_HEADER = "x-dlq-source-partition"
SOURCE_OFFSET_HEADER = "x-dlq-source-offset"
GROUP_HEADER = "x-dlq-consumer-group"
MAX_ERROR_CHARS = 2_000


class PoisonMessage(Exception):
    """A message the consumer can never process as it is: its kind names why."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def classify(error: Exception, body: bytes) -> PoisonMessage | None:
    """The poison verdict for an error raised while decoding/validating `body`, or None if not poison."""
    if isinstance(error, PoisonMessage):
        return error
    if not isinstance(error, ValidationError):
        return None
    try:
        decoded = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as decode_error:
        return PoisonMessage("not-json", f"body is not JSON: {decode_error}")
    if isinstance(decoded, dict) and decoded.get("schema_version", 1) != 1:
        return PoisonMessage(
            "unknown-schema-version",
            f"schema_version {decoded.get('schema_version')!r} is not supported (expected 1)",
        )
    return PoisonMessage("contract-violation", _summarise(error))


def _summarise(error: ValidationError) -> str:
    parts = [
        f"{'.'.join(str(p) for p in item['loc']) or '<root>'}: {item['msg']}" for item in error.errors()[:10]
    ]
    return "; ".join(parts)


def dead_letter_headers(record: Any, poison: PoisonMessage, group: str) -> dict[str, str]:
    return {
        ERROR_HEADER: poison.detail[:MAX_ERROR_CHARS],
        KIND_HEADER: poison.kind,
        SOURCE_TOPIC_HEADER: str(record.topic),
        SOURCE_PARTITION_HEADER: str(record.partition),
        SOURCE_OFFSET_HEADER: str(record.offset),
        GROUP_HEADER: group,
    }


class DeadLetters:
    """Middleware factory; `bind` it to the broker that publishes the dead letters."""

    def __init__(self, *, group: str, retry: RetryPolicy | None = None) -> None:
        self.group = group
        self._retry = retry or RetryPolicy()
        self._broker: KafkaBroker | None = None

    def bind(self, broker: KafkaBroker) -> None:
        self._broker = broker

    def __call__(self, msg: Any, /, *, context: "ContextRepo") -> "_DeadLetterMiddleware":
        return _DeadLetterMiddleware(msg, context=context, owner=self)

    async def park(self, message: "StreamMessage[Any]", poison: PoisonMessage) -> None:
        """Publish the raw message to its dead-letter topic with the error in headers, then ack it.

        A broker fault is retried; past the retries the message is nacked (it comes back) rather than
        acked without its dead letter, which would lose it."""
        try:
            await self._retry.run(lambda: self.publish(message, poison), what="dead-lettering")
        except RetriesExhausted as exhausted:
            logger.error(
                "could not dead-letter the message; it will be redelivered",
                extra={"error_kind": poison.kind, "error": str(exhausted)},
            )
            await message.nack()
            return
        await message.ack()

    async def publish(self, message: "StreamMessage[Any]", poison: PoisonMessage) -> None:
        """Publish the raw message to its dead-letter topic with the error in headers (no ack)."""
        assert self._broker is not None, "DeadLetters.bind(broker) was not called"
        record = message.raw_message
        topic = dead_letter_topic(str(record.topic))
        await self._broker.publish(
            message.body,
            topic=topic,
            key=record.key,
            headers=dead_letter_headers(record, poison, self.group),
        )
        logger.warning(
            "message dead-lettered",
            extra={
                "dlq_topic": topic,
                "error_kind": poison.kind,
                "source_partition": record.partition,
                "source_offset": record.offset,
            },
        )


class _DeadLetterMiddleware(BaseMiddleware):
    def __init__(self, msg: Any, /, *, context: "ContextRepo", owner: DeadLetters) -> None:
        super().__init__(msg, context=context)
        self.owner = owner

    async def consume_scope(self, call_next: "AsyncFuncAny", msg: "StreamMessage[Any]") -> Any:
        try:
            return await call_next(msg)
        except (ValidationError, PoisonMessage) as error:
            poison = classify(error, msg.body)
            assert poison is not None
            await self.owner.park(msg, poison)
            return None
