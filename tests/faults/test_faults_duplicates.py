"""Duplicate delivery: each event of a ready and a failed batch published twice more, then every record
of every pipeline topic replayed from offset 0 — and nothing changes: the same batches, statuses, windows,
clips and LLM exchanges, no second LLM call, and every copy recognised as a duplicate by every consumer."""

import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import EVENT_BY_TOPIC, PIPELINE_TOPICS, Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.kafka_probe import publish_raw, read_all
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.system import RunningSystem

from .conftest import BATCH_CONFIG
from .faultkit import (
    DUPLICATE_SKIPPED,
    GROUP_TOPICS,
    Record,
    log_counts,
    pipeline_state,
    republish,
    wait_until_consumed,
)


def changed_documents(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> int:
    """Documents added, removed or modified between two snapshots of the pipeline's collections."""
    changed = 0
    for name in before.keys() | after.keys():
        old = {doc["_id"]: doc for doc in before.get(name, [])}
        new = {doc["_id"]: doc for doc in after.get(name, [])}
        changed += sum(1 for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    return changed


pytestmark = pytest.mark.faults


def expected_skips(records: Sequence[Record], copies: int) -> dict[str, int]:
    """Per service: how many duplicates its consumer group must recognise (only contract events)."""
    topics = Counter(r.topic for r in records if _is_event(r))
    return {
        group.removeprefix("viralclip-"): copies * sum(topics[t] for t in consumed)
        for group, consumed in GROUP_TOPICS.items()
    }


def _is_event(record: Record) -> bool:
    try:
        EVENT_BY_TOPIC[record.topic].model_validate_json(record.value)
    except ValueError:
        return False
    return True


def skipped_since(system: RunningSystem, before: dict[str, int]) -> dict[str, int]:
    now = log_counts(system, DUPLICATE_SKIPPED)
    return {service: now[service] - before[service] for service in now}


async def test_each_event_twice_and_a_replay_from_offset_zero_change_nothing(
    system: RunningSystem,
    api: ViralclipClient,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    responses_double: ResponsesDouble,
    figure: Callable[[str, object], None],
) -> None:
    video = await new_video()
    ready = await api.create_batch(video.video_id, **BATCH_CONFIG)
    assert (await api.wait_until_done(ready["batch_id"], timeout=60))["status"] == "ready"
    responses_double.script(Script(default=Behaviour(kind="server_error", status_code=400)))
    failing = await api.create_batch(video.video_id, **BATCH_CONFIG)
    assert (await api.wait_until_done(failing["batch_id"], timeout=60))["status"] == "failed"
    responses_double.script(None)
    await wait_until_consumed(system.kafka_bootstrap)
    before = await pipeline_state(db)
    calls = responses_double.call_count
    assert before["clips"], "the ready batch stored no clips"

    own = {ready["batch_id"].encode(), failing["batch_id"].encode()}
    events = [r for r in await read_all(system.kafka_bootstrap, PIPELINE_TOPICS) if r.key in own]
    assert {r.topic for r in events} == set(PIPELINE_TOPICS), "every event type is duplicated"
    skipped = log_counts(system, DUPLICATE_SKIPPED)
    for record in events:
        for _ in range(2):
            await publish_raw(system.kafka_bootstrap, record.topic, record.value, key=record.key.decode())
    await wait_until_consumed(system.kafka_bootstrap)

    twice_skips = skipped_since(system, skipped)
    assert twice_skips == expected_skips(events, copies=2)
    assert await pipeline_state(db) == before
    assert responses_double.call_count == calls

    everything = await read_all(system.kafka_bootstrap, PIPELINE_TOPICS)
    skipped = log_counts(system, DUPLICATE_SKIPPED)
    started = time.monotonic()
    await republish(system.kafka_bootstrap, everything)
    await wait_until_consumed(system.kafka_bootstrap)
    replay_sec = time.monotonic() - started

    replay_skips = skipped_since(system, skipped)
    assert replay_skips == expected_skips(everything, copies=1)
    after = await pipeline_state(db)
    changed = changed_documents(before, after)
    assert changed == 0
    assert responses_double.call_count == calls
    figure("events published twice", len(events))
    figure("records replayed from offset 0", len(everything))
    figure("deliveries recognised as duplicates", sum(twice_skips.values()) + sum(replay_skips.values()))
    figure("replay consumed by every group (s)", replay_sec)
    figure("LLM calls repeated", responses_double.call_count - calls)
    figure("documents changed", changed)
