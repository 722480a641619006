"""A stage whose handler fails on a bug reports the batch as failed, parks the message, and goes on."""

import asyncio
import uuid
from typing import Any

import pytest
from faststream.kafka import KafkaMessage
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import (
    BATCH_CREATED,
    BATCH_FAILED,
    BatchCreated,
    BatchFailed,
    ClipBatchConfig,
    Stage,
    dead_letter_topic,
)
from viralclip_runtime import ServiceSettings, consumer_options, derived_event_id, worker_context
from viralclip_runtime.deadletter import KIND_HEADER
from viralclip_testkit.kafka_probe import topic_probe

pytestmark = pytest.mark.integration


async def test_a_handler_bug_fails_the_batch_parks_the_message_and_the_consumer_goes_on(
    kafka_bootstrap: str, mongodb_uri: str, mongo_db: AsyncDatabase[Any]
) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        mongodb_uri=mongodb_uri,
        mongodb_database=mongo_db.name,
        log_format="text",
        topic_partitions=1,
        topic_suffix=f".{uuid.uuid4().hex[:8]}",
    )
    context = worker_context("windowing", settings)
    handled: asyncio.Queue[str] = asyncio.Queue()

    @context.broker.subscriber(
        settings.topic(BATCH_CREATED), **consumer_options(settings, group=context.group)
    )
    async def on_batch_created(event: BatchCreated, msg: KafkaMessage) -> None:
        async def work() -> None:
            if event.batch_id == "b-bug":
                raise KeyError("a bug, not the creator's input")
            await handled.put(event.batch_id)

        await context.deliver(msg, event, work, stage=Stage.WINDOWING)

    def created(batch_id: str) -> BatchCreated:
        return BatchCreated(
            batch_id=batch_id,
            video_id="v-1",
            job_id=f"j-{batch_id}",
            producer="test",
            config=ClipBatchConfig(),
        )

    failed_topic, parked_topic = (
        settings.topic(BATCH_FAILED),
        dead_letter_topic(settings.topic(BATCH_CREATED)),
    )
    async with topic_probe(kafka_bootstrap, [failed_topic, parked_topic]) as probe:
        await context.broker.start()
        try:
            await context.publish(created("b-bug"))
            await context.publish(created("b-fine"))

            assert await asyncio.wait_for(handled.get(), timeout=60) == "b-fine"
            (failed,) = await probe.wait_for(failed_topic, batch_id="b-bug")
            parked = await probe.wait_for_raw(parked_topic)
        finally:
            await context.broker.stop()
            await context.mongo.close()

    assert isinstance(failed, BatchFailed)
    assert failed.stage is Stage.WINDOWING
    assert failed.error_message.startswith("Windowing failed unexpectedly (KeyError)")
    assert failed.event_id == derived_event_id("j-b-bug", "batch.failed")
    assert dict(parked[0].headers)[KIND_HEADER] == b"handler-error"
