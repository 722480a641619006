"""Poison: bytes that are not JSON, JSON that breaks the contract and an event of an unknown schema version,
on every consumed topic — each consumer group parks each one on `<topic>.dlq` with headers naming the
error, its kind, the source topic, partition and offset and the group; no consumer stops, and the next
good batch ends `ready`."""

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from viralclip_contracts import (
    EVENT_BY_TOPIC,
    PIPELINE_TOPICS,
    ClipBatchConfig,
    Stage,
    Video,
    dead_letter_topic,
)
from viralclip_localstack.client import ViralclipClient
from viralclip_runtime.deadletter import (
    ERROR_HEADER,
    GROUP_HEADER,
    KIND_HEADER,
    SOURCE_OFFSET_HEADER,
    SOURCE_PARTITION_HEADER,
    SOURCE_TOPIC_HEADER,
)
from viralclip_testkit.kafka_probe import read_all
from viralclip_testkit.system import RunningSystem
from viralclip_testkit.waiting import eventually

from .conftest import BATCH_CONFIG
from .faultkit import GROUP_TOPICS, SERVICES, Record, publish_located

pytestmark = pytest.mark.faults

KINDS = ("not-json", "contract-violation", "unknown-schema-version")
CONSUMERS = {topic: {g for g, topics in GROUP_TOPICS.items() if topic in topics} for topic in PIPELINE_TOPICS}
_PAYLOADS: dict[str, dict[str, Any]] = {
    "batch.created": {"config": ClipBatchConfig()},
    "windows.ready": {"config": ClipBatchConfig(), "language": "en", "windows": ()},
    "clips.scored": {"config": ClipBatchConfig(), "clips": (), "windows_total": 0, "windows_failed": 0},
    "thumbnails.done": {"clips": ()},
    "batch.failed": {"stage": Stage.SCORING, "error_message": "Scoring failed."},
}


def poison(topic: str, kind: str, batch_id: str) -> bytes:
    """One poison message of `kind` for `topic`."""
    if kind == "not-json":
        return b"\xff\xfe{not json"
    if kind == "contract-violation":
        return json.dumps({"event_type": topic, "batch_id": batch_id, "job_id": 42}).encode()
    event = EVENT_BY_TOPIC[topic](
        batch_id=batch_id, video_id="v-poison", job_id="j-poison", producer="faults", **_PAYLOADS[topic]
    )
    return json.dumps({**event.model_dump(mode="json"), "schema_version": 2}).encode()


def headers(record: Record) -> dict[str, str]:
    return {name: value.decode() for name, value in record.headers}


async def test_poison_on_every_consumed_topic_is_dead_lettered_and_the_next_batch_is_ready(
    system: RunningSystem,
    api: ViralclipClient,
    new_video: Callable[..., Awaitable[Video]],
    figure: Callable[[str, object], None],
) -> None:
    pids = {service: system.fleet.children[service].pid for service in SERVICES}
    sent: dict[tuple[str, int, int], tuple[str, bytes]] = {}
    started = time.monotonic()
    for topic in PIPELINE_TOPICS:
        for kind in KINDS:
            value = poison(topic, kind, f"b-poison-{uuid.uuid4().hex[:8]}")
            partition, offset = await publish_located(
                system.kafka_bootstrap, topic, value, key=f"poison-{kind}"
            )
            sent[(topic, partition, offset)] = (kind, value)
    dead_letter_topics = [dead_letter_topic(topic) for topic in PIPELINE_TOPICS]

    async def all_parked() -> dict[tuple[str, int, int], list[Record]] | None:
        parked: dict[tuple[str, int, int], list[Record]] = {source: [] for source in sent}
        for record in await read_all(system.kafka_bootstrap, dead_letter_topics):
            h = headers(record)
            source = (h[SOURCE_TOPIC_HEADER], int(h[SOURCE_PARTITION_HEADER]), int(h[SOURCE_OFFSET_HEADER]))
            if source in parked:
                parked[source].append(record)
        done = all(len(records) >= len(CONSUMERS[topic]) for (topic, _, _), records in parked.items())
        return parked if done else None

    parked = await eventually(all_parked, timeout=60, interval=0.3, what="every poison message dead-lettered")
    parked_sec = time.monotonic() - started
    assert parked is not None

    for (topic, _, _), records in parked.items():
        assert all(r.topic == dead_letter_topic(topic) for r in records)
    for source, records in parked.items():
        kind, value = sent[source]
        groups = sorted(headers(r)[GROUP_HEADER] for r in records)
        assert groups == sorted(CONSUMERS[source[0]]), source
        for record in records:
            assert headers(record)[KIND_HEADER] == kind, (source, headers(record))
            assert headers(record)[ERROR_HEADER], "the error names what is wrong"
            assert record.value == value, "the dead letter keeps the message as it was, for a re-drive"
    contract = headers(parked[next(s for s, (k, _) in sent.items() if k == "contract-violation")][0])
    assert "job_id" in contract[ERROR_HEADER]

    video = await new_video(120)
    batch = await api.create_batch(video.video_id, **BATCH_CONFIG)
    final = await api.wait_until_done(batch["batch_id"], timeout=60)
    assert final["status"] == "ready", final.get("error_message")
    replaced_or_dead = [
        service
        for service in SERVICES
        if system.fleet.children[service].pid != pids[service] or not system.fleet.children[service].alive()
    ]
    assert replaced_or_dead == []
    figure("poison messages published", len(sent))
    figure("dead letters (one per consuming group)", sum(len(r) for r in parked.values()))
    figure("all parked after (s)", parked_sec)
    figure("consumers restarted or stopped", len(replaced_or_dead))
