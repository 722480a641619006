"""A handler that works longer than `max_poll_interval_ms` keeps its consumer in the group: the message
is handled once, committed, and the next one follows — no rebalance hands it to the group's other
consumer mid-work (which would handle it a second time)."""

import asyncio
import time
import uuid
from collections import Counter
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka import KafkaMessage
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import BATCH_CREATED, BatchCreated, ClipBatchConfig
from viralclip_runtime import ServiceSettings, consumer_options, worker_context

pytestmark = pytest.mark.integration

MAX_POLL_INTERVAL_MS = 4_000
SLOW_HANDLER_SEC = 15.0


async def committed(bootstrap: str, group: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(topic, 0)) or 0
    finally:
        await consumer.stop()


async def test_a_handler_outlasting_the_poll_interval_is_handled_once_and_committed(
    kafka_bootstrap: str, mongodb_uri: str, mongo_db: AsyncDatabase[Any]
) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        mongodb_uri=mongodb_uri,
        mongodb_database=mongo_db.name,
        log_format="text",
        topic_partitions=1,
        topic_suffix=f".{uuid.uuid4().hex[:8]}",
        consumer_max_poll_interval_ms=MAX_POLL_INTERVAL_MS,
        consumer_session_timeout_ms=6_000,
        consumer_workers=2,  # a second consumer in the group, idle, ready to take the partition over
    )
    context = worker_context("windowing", settings)
    topic = settings.topic(BATCH_CREATED)
    calls: Counter[str] = Counter()
    done: asyncio.Queue[str] = asyncio.Queue()

    @context.broker.subscriber(topic, **consumer_options(settings, group=context.group))
    async def on_batch_created(event: BatchCreated, msg: KafkaMessage) -> None:
        async def work() -> None:
            calls[event.batch_id] += 1
            if event.batch_id == "b-slow":
                await asyncio.sleep(SLOW_HANDLER_SEC)  # a slow LLM batch
            await done.put(event.batch_id)

        await context.deliver(msg, event, work)

    def created(batch_id: str) -> BatchCreated:
        return BatchCreated(
            batch_id=batch_id,
            video_id="v-1",
            job_id=f"j-{batch_id}",
            producer="test",
            config=ClipBatchConfig(),
        )

    await context.broker.start()
    try:
        await context.publish(created("b-slow"))
        await context.publish(created("b-next"))
        started = time.monotonic()
        finished = [await asyncio.wait_for(done.get(), timeout=90) for _ in range(2)]
        took = time.monotonic() - started
        assert finished == ["b-slow", "b-next"]

        async def both_committed() -> bool:
            return await committed(kafka_bootstrap, context.group, topic) == 2

        deadline = time.monotonic() + 30
        while not await both_committed():
            assert time.monotonic() < deadline, "the offsets were not committed"
            await asyncio.sleep(0.2)
    finally:
        await context.broker.stop()
        await context.mongo.close()

    assert took >= SLOW_HANDLER_SEC
    assert calls == {"b-slow": 1, "b-next": 1}, "the slow message was taken away and redelivered"
