"""Operators list dead letters and re-drive them to their source topic once the cause is fixed."""

import uuid

import pytest
from aiokafka import AIOKafkaProducer

from viralclip_contracts import dead_letter_topic
from viralclip_runtime import ensure_topics
from viralclip_runtime.deadletter import KIND_HEADER, SOURCE_TOPIC_HEADER
from viralclip_runtime.dlq_cli import list_dead_letters, redrive
from viralclip_testkit.kafka_probe import topic_probe

pytestmark = pytest.mark.integration


async def park(bootstrap: str, topic: str, value: bytes, kind: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        headers = [(KIND_HEADER, kind.encode()), (SOURCE_TOPIC_HEADER, topic.encode())]
        await producer.send_and_wait(dead_letter_topic(topic), value, key=b"b-1", headers=headers)
    finally:
        await producer.stop()


async def test_dead_letters_are_listed_and_redriven_once(kafka_bootstrap: str) -> None:
    topic = f"dlqcli.{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka_bootstrap, partitions=1, topics=(topic,))
    await park(kafka_bootstrap, topic, b"first", "not-json")
    await park(kafka_bootstrap, topic, b"second", "contract-violation")

    letters = await list_dead_letters(kafka_bootstrap, topic)
    assert [(letter.value, letter.kind) for letter in letters] == [
        (b"first", "not-json"),
        (b"second", "contract-violation"),
    ]

    async with topic_probe(kafka_bootstrap, [topic]) as probe:
        assert await redrive(kafka_bootstrap, topic, kind="contract-violation") == 1
        assert await redrive(kafka_bootstrap, topic) == 0, "a dead letter was re-driven twice"
        await probe.wait_for_raw(topic, count=1)
        assert [r.value for r in probe.raw(topic)] == [b"second"]
