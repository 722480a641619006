"""`viralclip-topics` creates every lifecycle's topics and dead letters before the services start."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer

from viralclip_contracts import ALL_TOPICS, dead_letter_topic

pytestmark = pytest.mark.integration

COMMAND = Path(sys.executable).with_name("viralclip-topics")


def run_command(kafka_bootstrap: str, suffix: str) -> dict[str, dict[str, object]]:
    environment = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "VIRALCLIP_TOPIC_PARTITIONS": "2",
        "VIRALCLIP_TOPIC_SUFFIX": suffix,
    }
    finished = subprocess.run(
        [str(COMMAND)], env=environment, capture_output=True, text=True, timeout=60, check=True
    )
    lines = [json.loads(line) for line in finished.stdout.splitlines()]
    return {str(line["topic"]): line for line in lines}


async def partition_counts(kafka_bootstrap: str, topics: list[str]) -> dict[str, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap)
    await consumer.start()
    try:
        await consumer.topics()
        return {topic: len(consumer.partitions_for_topic(topic) or ()) for topic in topics}
    finally:
        await consumer.stop()


async def test_every_lifecycle_topic_and_its_dead_letters_are_created_once(kafka_bootstrap: str) -> None:
    suffix = f".topics-{uuid.uuid4().hex[:8]}"
    wanted = [
        name for topic in ALL_TOPICS for name in (f"{topic}{suffix}", dead_letter_topic(f"{topic}{suffix}"))
    ]

    first = run_command(kafka_bootstrap, suffix)
    assert list(first) == wanted
    assert {line["state"] for line in first.values()} == {"created"}
    assert await partition_counts(kafka_bootstrap, wanted) == dict.fromkeys(wanted, 2)

    again = run_command(kafka_bootstrap, suffix)
    assert {line["state"] for line in again.values()} == {"existed"}


def test_an_unreachable_broker_is_reported_with_a_nonzero_exit() -> None:
    environment = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9"}
    finished = subprocess.run([str(COMMAND)], env=environment, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 1
    assert "could not create Kafka topics on 127.0.0.1:9" in finished.stderr
