"""Giving up on a message: a message whose handler failed (or that is poison) is acked only once its failure
is reported and it is parked on the dead-letter topic; if either cannot be done yet, it comes back (nack)."""

from dataclasses import dataclass, field
from typing import Any, cast

from aiokafka.errors import KafkaConnectionError
from faststream._internal.context.repository import ContextRepo
from faststream.kafka import KafkaMessage
from pydantic import BaseModel

from viralclip_contracts import BatchCreated, ClipBatchConfig
from viralclip_runtime import DeadLetters, Inbox, PoisonMessage, RetryPolicy, deliver

FAST = RetryPolicy(max_attempts=3, base_delay_sec=0.001, max_delay_sec=0.001)


@dataclass
class Record:
    topic: str = "batch.created"
    partition: int = 0
    offset: int = 7
    key: bytes = b"b-1"


@dataclass
class FakeMessage:
    """The parts of a KafkaMessage that deliver and the dead letters use."""

    body: bytes = b"{}"
    raw_message: Record = field(default_factory=Record)
    acks: int = 0
    nacks: int = 0

    async def ack(self) -> None:
        self.acks += 1

    async def nack(self) -> None:
        self.nacks += 1


class FakeInbox:
    def __init__(self) -> None:
        self.remembered: list[Any] = []

    async def seen(self, event: Any) -> bool:
        return False

    async def remember(self, event: Any) -> None:
        self.remembered.append(event)


class FlakyBroker:
    """Publishes after `failures` broker errors (forever failing when `failures` is None)."""

    def __init__(self, failures: int | None) -> None:
        self.failures = failures
        self.published: list[tuple[str, dict[str, str]]] = []

    async def publish(self, body: bytes, *, topic: str, key: bytes, headers: dict[str, str]) -> None:
        if self.failures is None or self.failures > 0:
            if self.failures is not None:
                self.failures -= 1
            raise KafkaConnectionError("broker away")
        self.published.append((topic, headers))


def dead_letters(broker: FlakyBroker) -> DeadLetters:
    letters = DeadLetters(group="test", retry=FAST)
    letters.bind(cast(Any, broker))
    return letters


def event() -> BatchCreated:
    return BatchCreated(
        batch_id="b-1", video_id="v-1", job_id="j-1", producer="test", config=ClipBatchConfig()
    )


async def broken_work() -> None:
    raise ValueError("a bug")


class Reporter:
    def __init__(self, failures: int | None = 0) -> None:
        self.failures = failures
        self.reports: list[Exception] = []

    async def __call__(self, error: Exception) -> None:
        if self.failures is None or self.failures > 0:
            if self.failures is not None:
                self.failures -= 1
            raise KafkaConnectionError("broker away")
        self.reports.append(error)


async def run(message: FakeMessage, broker: FlakyBroker, reporter: Reporter | None) -> None:
    await deliver(
        cast(KafkaMessage, message),
        event(),
        inbox=cast(Inbox, FakeInbox()),
        work=broken_work,
        retry=FAST,
        dead_letters=dead_letters(broker),
        on_unexpected=reporter,
    )


async def test_a_failed_handler_is_reported_parked_and_acked() -> None:
    message, broker, reporter = FakeMessage(), FlakyBroker(failures=0), Reporter()

    await run(message, broker, reporter)

    assert [topic for topic, _ in broker.published] == ["batch.created.dlq"]
    assert [repr(e) for e in reporter.reports] == [repr(ValueError("a bug"))]
    assert (message.acks, message.nacks) == (1, 0)


async def test_a_dead_letter_publish_that_fails_for_a_while_is_retried() -> None:
    message, broker = FakeMessage(), FlakyBroker(failures=2)

    await run(message, broker, Reporter())

    assert len(broker.published) == 1
    assert (message.acks, message.nacks) == (1, 0)


async def test_a_message_that_cannot_be_parked_is_nacked_not_lost() -> None:
    message, broker = FakeMessage(), FlakyBroker(failures=None)

    await run(message, broker, Reporter())

    assert broker.published == []
    assert (message.acks, message.nacks) == (0, 1)


async def test_a_failure_that_cannot_be_reported_brings_the_message_back() -> None:
    message, broker, reporter = FakeMessage(), FlakyBroker(failures=0), Reporter(failures=None)

    await run(message, broker, reporter)

    # Acked (parked) without its batch.failed, the batch would wait forever.
    assert (message.acks, message.nacks) == (0, 1)
    assert broker.published == []


async def test_a_report_that_fails_for_a_while_is_retried_before_the_message_is_parked() -> None:
    message, broker, reporter = FakeMessage(), FlakyBroker(failures=0), Reporter(failures=2)

    await run(message, broker, reporter)

    assert len(reporter.reports) == 1
    assert len(broker.published) == 1
    assert (message.acks, message.nacks) == (1, 0)


async def test_a_reporter_with_a_bug_does_not_keep_the_message_from_its_dead_letter_topic() -> None:
    message, broker = FakeMessage(), FlakyBroker(failures=0)

    async def buggy(error: Exception) -> None:
        raise RuntimeError("reporter bug")

    await deliver(
        cast(KafkaMessage, message),
        event(),
        inbox=cast(Inbox, FakeInbox()),
        work=broken_work,
        retry=FAST,
        dead_letters=dead_letters(broker),
        on_unexpected=buggy,
    )

    assert len(broker.published) == 1
    assert (message.acks, message.nacks) == (1, 0)


async def test_a_dead_letter_is_published_after_a_short_broker_outage_then_acked() -> None:
    message, broker = FakeMessage(), FlakyBroker(failures=2)

    await dead_letters(broker).park(cast(Any, message), PoisonMessage("not-json", "nope"))

    assert [topic for topic, _ in broker.published] == ["batch.created.dlq"]
    assert (message.acks, message.nacks) == (1, 0)


async def test_a_poison_message_that_cannot_be_parked_is_nacked_not_acked() -> None:
    message, broker = FakeMessage(), FlakyBroker(failures=None)

    await dead_letters(broker).park(cast(Any, message), PoisonMessage("not-json", "nope"))

    assert broker.published == []
    assert (message.acks, message.nacks) == (0, 1)


async def test_the_middleware_parks_a_message_that_does_not_validate() -> None:
    class Strict(BaseModel):
        number: int

    async def handler(msg: Any) -> Any:
        return Strict.model_validate_json(msg.body)  # raises: what FastStream's decoding does

    message, broker = FakeMessage(body=b'{"number": "x"}'), FlakyBroker(failures=None)
    letters = dead_letters(broker)
    middleware = letters(message, context=ContextRepo())

    assert await middleware.consume_scope(handler, cast(Any, message)) is None
    assert (message.acks, message.nacks) == (0, 1)
