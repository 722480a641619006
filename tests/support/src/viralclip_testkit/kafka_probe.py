"""Read what the pipeline published: a consumer in its own group that collects events of some topics."""

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord

from viralclip_contracts import EVENT_BY_TOPIC, Event

from .waiting import eventually


@dataclass
class TopicProbe:
    """Everything seen on the subscribed topics since the probe joined (from the earliest offset)."""

    records: list[ConsumerRecord[bytes, bytes]] = field(default_factory=list)

    def raw(self, topic: str, *, key: str | None = None) -> list[ConsumerRecord[bytes, bytes]]:
        return [
            r for r in self.records if r.topic == topic and (key is None or (r.key or b"").decode() == key)
        ]

    def events(self, topic: str, *, batch_id: str | None = None) -> list[Any]:
        """Events of `topic` (validated with the published contract), optionally for one batch."""
        model = contract_of(topic)
        parsed = [model.model_validate_json(r.value) for r in self.raw(topic, key=batch_id)]
        return [e for e in parsed if batch_id is None or e.batch_id == batch_id]

    async def wait_for_raw(
        self, topic: str, *, key: str | None = None, count: int = 1, timeout: float = 60.0
    ) -> list[ConsumerRecord[bytes, bytes]]:
        async def enough() -> list[ConsumerRecord[bytes, bytes]]:
            found = self.raw(topic, key=key)
            return found if len(found) >= count else []

        return await eventually(enough, timeout=timeout, what=f"{count} record(s) on {topic}")

    async def wait_for(
        self, topic: str, *, batch_id: str | None = None, count: int = 1, timeout: float = 60.0
    ) -> list[Any]:
        async def enough() -> list[Any]:
            found = self.events(topic, batch_id=batch_id)
            return found if len(found) >= count else []

        return await eventually(enough, timeout=timeout, what=f"{count} × {topic} for {batch_id}")


def contract_of(topic: str) -> type[Event]:
    """The event model of a pipeline topic, also under a per-test suffix (`clips.scored.t1a2`)."""
    for name, model in EVENT_BY_TOPIC.items():
        if topic == name or topic.startswith(f"{name}."):
            return model
    raise KeyError(f"{topic} is not a pipeline topic")


@contextlib.asynccontextmanager
async def topic_probe(bootstrap: str, topics: Iterable[str]) -> AsyncIterator[TopicProbe]:
    """A probe consuming `topics` in a fresh consumer group; it stops when the block ends."""
    probe = TopicProbe()
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=f"probe-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=20,
    )
    await consumer.start()

    async def pump() -> None:
        async for record in consumer:
            probe.records.append(record)

    task = asyncio.create_task(pump())
    try:
        await eventually(lambda: _assigned(consumer), timeout=60, what="probe partition assignment")
        yield probe
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await consumer.stop()


async def _assigned(consumer: AIOKafkaConsumer) -> bool:
    return bool(consumer.assignment())


async def publish_raw(bootstrap: str, topic: str, value: bytes, *, key: str) -> None:
    """Publish bytes as they are (for duplicates and poison messages)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


async def publish_event(bootstrap: str, topic: str, event: Event) -> None:
    """Publish a contract event keyed by its batch id, as a producing service would."""
    await publish_raw(bootstrap, topic, event.model_dump_json().encode(), key=event.batch_id)


async def partitions_of(consumer: AIOKafkaConsumer, topics: Iterable[str]) -> list[TopicPartition]:
    await consumer.topics()  # refreshes the metadata that partitions_for_topic reads
    return [
        TopicPartition(topic, partition)
        for topic in topics
        for partition in sorted(consumer.partitions_for_topic(topic) or ())
    ]


async def read_all(bootstrap: str, topics: Sequence[str]) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record now on `topics`, from offset 0 of each partition (no consumer group)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=20)
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topics)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + 30
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            if time.monotonic() > deadline:
                raise AssertionError(f"could not read {topics} to their end within 30 s")
            for batch in (await consumer.getmany(timeout_ms=200)).values():
                records.extend(r for r in batch if r.offset < ends[TopicPartition(r.topic, r.partition)])
        return records
    finally:
        await consumer.stop()
