"""Two scoring replicas in one consumer group share ten batches over three partitions; one is SIGKILLed
mid-way, the other takes its partitions over, and all ten batches end `ready` without a duplicate."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.system import RunningSystem
from viralclip_testkit.waiting import eventually

from .conftest import BATCH_CONFIG
from .faultkit import (
    DUPLICATE_SKIPPED,
    calls_in_flight,
    crowded_windows,
    group_state,
    in_thread,
    log_count,
    near_duplicate_clips,
)

pytestmark = pytest.mark.faults

REPLICA = "-2"
REPLICA_MODEL = "replica-2-model"
"""The second replica asks the LLM double for another model, so its calls and answers can be told apart."""
BATCHES = 10
MAX_ROUNDS = 3


async def test_two_scoring_replicas_share_ten_batches_and_survive_losing_one(
    system: RunningSystem,
    api: ViralclipClient,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    responses_double: ResponsesDouble,
    figure: Callable[[str, object], None],
) -> None:
    exchanges = db["clip_llm_contexts"]
    replica = system.fleet.start(
        "scoring", replica=REPLICA, extra_env={"VIRALCLIP_OPENAI_MODEL": REPLICA_MODEL}
    )
    try:
        await in_thread(system.fleet.wait_ready)

        seen: list[tuple[str, int]] = []

        async def two_members() -> bool:
            seen.append(await group_state(system.kafka_bootstrap, "viralclip-scoring"))
            return seen[-1] == ("Stable", 2)

        try:
            await eventually(two_members, timeout=60, interval=0.5, what="both replicas in the scoring group")
        except AssertionError as error:
            raise AssertionError(f"{error}; group states seen: {sorted(set(seen))}") from None
        responses_double.script(Script(default=Behaviour(latency_sec=0.5)), reset_calls=True)
        video = await new_video(120)
        batch_ids: list[str] = []

        async def replica_at_work() -> bool:
            mine = {"batch_id": {"$in": batch_ids}, "model": REPLICA_MODEL}
            return await exchanges.count_documents(mine) >= 4

        # Batches go to partitions by their id: a replica owning one of the three partitions gets none of
        # ten batches 1.7% of the time, so ten more are sent (at most twice) until it has work.
        for round_ in range(1, MAX_ROUNDS + 1):
            batch_ids += [
                (await api.create_batch(video.video_id, **BATCH_CONFIG))["batch_id"] for _ in range(BATCHES)
            ]
            try:
                await eventually(replica_at_work, timeout=40, what="the second replica to score windows")
                break
            except AssertionError:
                if round_ == MAX_ROUNDS:
                    raise
        ours = {"batch_id": {"$in": batch_ids}}
        replica.kill()
        killed_at = time.monotonic()
        stored_at_kill = await exchanges.count_documents(ours)
        lost_at_kill = calls_in_flight(responses_double.calls, killed_at) - stored_at_kill
        batches_at_kill = [await api.batch(batch_id) for batch_id in batch_ids]
        skipped_before = log_count(system, "scoring", DUPLICATE_SKIPPED)
        finals = [await api.wait_until_done(batch_id, timeout=90) for batch_id in batch_ids]
        recovered_sec = time.monotonic() - killed_at
    finally:
        replica.stop()
        system.fleet.children.pop(f"scoring{REPLICA}", None)

    submitted = len(batch_ids)
    assert sum(b["status"] == "ready" for b in batches_at_kill) < submitted, "the kill came after the work"
    assert [b["status"] for b in finals] == ["ready"] * submitted, [b.get("error_message") for b in finals]
    duplicates = 0
    models: dict[str, set[str]] = {}
    for final in finals:
        clips = await api.clips(final["batch_id"])
        assert len(clips) == final["clips_total"] > 0
        duplicates += near_duplicate_clips(clips) + crowded_windows(clips)
        stored = await exchanges.find({"batch_id": final["batch_id"]}).to_list(None)
        assert len(stored) == final["windows_total"], "a window was scored twice or not at all"
        assert final["windows_failed"] == 0
        models[final["batch_id"]] = {e["model"] for e in stored}
    assert duplicates == 0
    repeated_calls = responses_double.call_count - sum(f["windows_total"] for f in finals)
    assert repeated_calls <= lost_at_kill, "a window scored before the kill was scored again"
    only_killed = sum(m == {REPLICA_MODEL} for m in models.values())
    taken_over = sum(len(m) == 2 for m in models.values())
    assert only_killed + taken_over > 0, "the killed replica scored nothing"
    assert only_killed + taken_over < submitted, "the surviving replica scored nothing"
    survivor = submitted - only_killed - taken_over
    figure(
        "batches scored by the survivor / the killed replica / both",
        f"{survivor} / {only_killed} / {taken_over}",
    )
    figure("batches submitted", submitted)
    figure("kill to all ready (s)", recovered_sec)
    figure(
        "windows.ready redeliveries skipped", log_count(system, "scoring", DUPLICATE_SKIPPED) - skipped_before
    )
    figure("LLM calls beyond one per window / in flight at the kill", f"{repeated_calls} / {lost_at_kill}")
    figure("near-duplicate clips", duplicates)
