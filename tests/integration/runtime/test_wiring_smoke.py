"""The wiring every service relies on, over the real Kafka and MongoDB protocols."""

import asyncio
import uuid
from typing import Any

import pytest
from faststream.kafka import KafkaMessage
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import BatchCreated, ClipBatchConfig, dead_letter_topic
from viralclip_runtime import (
    ServiceSettings,
    consumer_options,
    ensure_topics,
    publish_event,
    worker_context,
)
from viralclip_runtime.deadletter import ERROR_HEADER, KIND_HEADER, SOURCE_TOPIC_HEADER
from viralclip_testkit.kafka_probe import publish_raw, topic_probe

pytestmark = pytest.mark.integration


def batch_created(batch_id: str) -> BatchCreated:
    return BatchCreated(
        batch_id=batch_id,
        video_id="v-smoke",
        job_id=f"j-{batch_id}",
        producer="test",
        config=ClipBatchConfig(),
    )


async def test_document_round_trips_through_async_mongo_client(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    event = batch_created("b-roundtrip")
    await mongo_db["events"].insert_one({"_id": "e1", **event.model_dump(mode="json")})
    stored = await mongo_db["events"].find_one({"_id": "e1"})
    assert stored is not None
    assert BatchCreated.model_validate(stored) == event


@pytest.fixture
def settings(kafka_bootstrap: str, mongodb_uri: str, mongo_db: AsyncDatabase[Any]) -> ServiceSettings:
    return ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        mongodb_uri=mongodb_uri,
        mongodb_database=mongo_db.name,
        log_format="text",
        topic_partitions=2,
    )


async def test_contract_event_reaches_a_subscriber_in_a_consumer_group_and_poison_is_parked(
    settings: ServiceSettings, kafka_bootstrap: str
) -> None:
    topic = f"smoke.{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka_bootstrap, partitions=2, topics=(topic,))
    context = worker_context("smoke", settings)
    received: asyncio.Queue[BatchCreated] = asyncio.Queue()

    @context.broker.subscriber(topic, **consumer_options(settings, group=f"g-{topic}"))
    async def handle(event: BatchCreated, msg: KafkaMessage) -> None:
        async def work() -> None:
            await received.put(event)

        await context.deliver(msg, event, work)

    async with topic_probe(kafka_bootstrap, [dead_letter_topic(topic)]) as dead:
        await context.broker.start()
        try:
            await publish_raw(kafka_bootstrap, topic, b"\xff not json", key="b-poison")
            good = batch_created("b-good")
            await publish_event(context.broker, topic, good)
            await publish_event(context.broker, topic, good)  # a duplicate: processed once

            assert await asyncio.wait_for(received.get(), timeout=60) == good
            parked = await dead_letters_of(dead, topic)
            headers = dict((k, v.decode()) for k, v in parked.headers)
            assert headers[KIND_HEADER] == "not-json"
            assert headers[SOURCE_TOPIC_HEADER] == topic
            assert "not JSON" in headers[ERROR_HEADER]
            third = batch_created("b-after")
            await publish_event(context.broker, topic, third)
            assert await asyncio.wait_for(received.get(), timeout=30) == third
            assert received.empty(), "the duplicate of b-good was handled twice"
        finally:
            await context.broker.stop()
            await context.mongo.close()


async def dead_letters_of(probe: Any, topic: str) -> Any:
    from viralclip_testkit.waiting import eventually

    async def parked() -> Any:
        records = probe.raw(dead_letter_topic(topic))
        return records[0] if records else None

    return await eventually(parked, timeout=60, what=f"a dead letter on {topic}.dlq")
