"""The stall watch on a real database, with a clock of its own: a batch past its stage deadline is
re-driven once (its last event queued again under a re-drive id), then failed with a readable error one
deadline later; two replicas judging the same batch at once act once; a batch that moves on is left alone.
"""

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_batch_api.adapters.changes import BatchChanges
from viralclip_batch_api.adapters.metrics import BatchMetrics
from viralclip_batch_api.adapters.projector import Projector
from viralclip_batch_api.adapters.repository import JOBS, Repository
from viralclip_batch_api.adapters.stall_watch import BatchDeadlines, StallWatch
from viralclip_batch_api.api.public import batch_public
from viralclip_batch_api.core.deadlines import DeadlineRules
from viralclip_batch_api.core.projection import BatchState
from viralclip_batch_api.core.records import BatchRecord, OutboxEntry, utc_now
from viralclip_contracts import (
    BatchCreated,
    ClipBatchConfig,
    ClipsScored,
    Stage,
    Window,
    WindowsReady,
)

pytestmark = pytest.mark.integration

RULES = DeadlineRules(slack_sec=10, windowing_sec=5, llm_timeout_sec=10, llm_concurrency=2)
SCORING_DEADLINE = timedelta(seconds=2 * 10 + 10)  # three windows, two calls at once: two rounds + slack


class Replica:
    """One batch-api's stall watch over the shared database, with a clock the test moves."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.repo = Repository(db)
        self.terminal: list[str] = []
        self.woken = 0
        self.now = utc_now()

        async def on_terminal(batch: BatchRecord, state: BatchState) -> None:
            self.terminal.append(state.status)

        self.projector = Projector(self.repo, BatchChanges(), on_terminal)
        self.registry = CollectorRegistry()
        self.metrics = BatchMetrics(self.registry)
        self.watch = StallWatch(
            [
                BatchDeadlines(
                    self.repo,
                    self.projector,
                    RULES,
                    wake_relay=self._wake,
                    on_action=self.metrics.stall_action,
                )
            ],
            interval_sec=1,
            clock=lambda: self.now,
        )

    def _wake(self) -> None:
        self.woken += 1

    def actions(self, action: str) -> float | None:
        return self.registry.get_sample_value(
            "viralclip_stall_actions_total", {"lifecycle": "batches", "action": action}
        )


@pytest.fixture
def in_scoring(
    mongo_db: AsyncDatabase[dict[str, Any]], unique_id: Any
) -> Callable[[Replica], Awaitable[tuple[str, WindowsReady]]]:
    """A batch created, then moved into scoring by its windows.ready, at the replica's current time."""

    async def make(replica: Replica) -> tuple[str, WindowsReady]:
        batch_id, job_id, video_id = unique_id("b"), unique_id("j"), unique_id("v")
        now = utc_now()
        created = BatchCreated(
            batch_id=batch_id, video_id=video_id, job_id=job_id, producer="test", config=ClipBatchConfig()
        )
        sent = OutboxEntry.of(created, created_at=now, trace_context={}).model_copy(update={"sent_at": now})
        batch = BatchRecord(
            batch_id=batch_id,
            video_id=video_id,
            name="stall",
            config=ClipBatchConfig(),
            current_job_id=job_id,
            created_at=now,
            updated_at=now,
            stage_started_at=now,
            outbox=(sent,),
        )
        await replica.repo.insert_batch(batch)
        window = Window(window_id="w0", start_sec=0, end_sec=30, scene_ids=("s0",), transcript=())
        ready = WindowsReady(
            batch_id=batch_id,
            video_id=video_id,
            job_id=job_id,
            producer="windowing",
            config=ClipBatchConfig(),
            language="en",
            windows=(window,) * 3,
        )
        await replica.projector.project(created)
        await replica.projector.project(ready)
        return batch_id, ready

    return make


def pending(batch: BatchRecord) -> list[OutboxEntry]:
    return [entry for entry in batch.outbox if entry.sent_at is None]


async def test_a_stalled_batch_is_re_driven_once_then_failed_with_a_readable_error(
    mongo_db: AsyncDatabase[dict[str, Any]], in_scoring: Any
) -> None:
    replica = Replica(mongo_db)
    batch_id, ready = await in_scoring(replica)
    started = replica.now

    replica.now = started + SCORING_DEADLINE - timedelta(seconds=1)
    assert await replica.watch.check_once() == 0

    replica.now = started + SCORING_DEADLINE + timedelta(seconds=1)
    assert await replica.watch.check_once() == 1
    doc = await replica.repo.batch_with_outbox(batch_id)
    assert doc is not None
    (redrive,) = pending(doc)
    assert redrive.topic == "windows.ready"
    assert redrive.event.model_dump(mode="json")["windows"] == ready.model_dump(mode="json")["windows"]
    assert redrive.event.job_id == ready.job_id
    assert redrive.event_id != str(ready.event_id), "the re-drive carries an id of its own"
    public = batch_public(doc)
    assert public.status == "draft"
    assert public.stalled_since is not None
    assert abs((public.stalled_since - (started + SCORING_DEADLINE)).total_seconds()) < 1
    assert replica.woken == 1

    replica.now += SCORING_DEADLINE - timedelta(seconds=2)
    assert await replica.watch.check_once() == 0, "re-driven once only"

    replica.now += timedelta(seconds=3)
    assert await replica.watch.check_once() == 1
    doc = await replica.repo.batch_with_outbox(batch_id)
    assert doc is not None
    failed = batch_public(doc)
    assert failed.status == "failed"
    assert failed.stage == Stage.SCORING
    assert failed.stalled_since is None
    assert failed.error_message is not None
    assert re.match(r"No scoring worker moved this batch on from scoring within 6\d s ", failed.error_message)
    assert failed.error_message.endswith(
        "check that the scoring service is running and the LLM answers, then retry."
    )
    assert [e.topic for e in pending(doc)] == ["windows.ready", "batch.failed"]
    job = await mongo_db[JOBS].find_one({"_id": ready.job_id})
    assert job is not None
    assert job["status"] == "failed"
    assert replica.terminal == ["failed"], "the webhook of a failed batch is enqueued"
    replica.now += timedelta(hours=1)
    assert await replica.watch.check_once() == 0
    assert (replica.actions("redrive"), replica.actions("fail")) == (1, 1)


async def test_two_replicas_judging_at_once_re_drive_and_fail_once(
    mongo_db: AsyncDatabase[dict[str, Any]], in_scoring: Any
) -> None:
    replicas = [Replica(mongo_db), Replica(mongo_db)]
    batch_id, _ = await in_scoring(replicas[0])
    late = replicas[0].now + SCORING_DEADLINE + timedelta(seconds=1)
    for replica in replicas:
        replica.now = late
    acted = await asyncio.gather(*(replica.watch.check_once() for replica in replicas))
    assert sorted(acted) == [0, 1]
    for replica in replicas:
        replica.now = late + SCORING_DEADLINE + timedelta(seconds=1)
    acted = await asyncio.gather(*(replica.watch.check_once() for replica in replicas))
    assert sorted(acted) == [0, 1]
    doc = await replicas[0].repo.batch_with_outbox(batch_id)
    assert doc is not None
    assert [e.topic for e in pending(doc)] == ["windows.ready", "batch.failed"]


class CrashBeforeProjecting(Exception):
    """Stands for a replica dying between claiming a batch's failure and projecting it."""


async def test_a_failure_claimed_by_a_replica_that_died_before_projecting_it_is_not_claimed_again(
    mongo_db: AsyncDatabase[dict[str, Any]], in_scoring: Any
) -> None:
    dying, other = Replica(mongo_db), Replica(mongo_db)
    batch_id, _ = await in_scoring(dying)

    async def crash(event: Any) -> None:
        raise CrashBeforeProjecting(event.event_type)

    dying.projector.project = crash  # type: ignore[method-assign]
    dying.now = other.now = dying.now + SCORING_DEADLINE + timedelta(seconds=1)
    assert await dying.watch.check_once() == 1
    dying.now = other.now = dying.now + SCORING_DEADLINE + timedelta(seconds=1)
    with pytest.raises(CrashBeforeProjecting):
        await dying.watch.check_once()

    assert await other.watch.check_once() == 0
    doc = await other.repo.batch_with_outbox(batch_id)
    assert doc is not None
    assert doc.status == "draft", "the failure waits in the outbox, where the relay publishes it"
    assert [e.topic for e in pending(doc)] == ["windows.ready", "batch.failed"]


async def test_a_batch_that_moves_on_after_its_re_drive_is_not_failed(
    mongo_db: AsyncDatabase[dict[str, Any]], in_scoring: Any
) -> None:
    replica = Replica(mongo_db)
    batch_id, ready = await in_scoring(replica)
    replica.now += SCORING_DEADLINE + timedelta(seconds=1)
    assert await replica.watch.check_once() == 1
    doc = await replica.repo.batch(batch_id)
    assert doc is not None
    await replica.projector.project(
        ClipsScored(
            batch_id=batch_id,
            video_id=ready.video_id,
            job_id=ready.job_id,
            producer="scoring",
            config=ClipBatchConfig(),
            clips=(),
            windows_total=3,
            windows_failed=0,
        )
    )
    moved = await replica.repo.batch(batch_id)
    assert moved is not None
    assert batch_public(moved).stage == Stage.THUMBNAILS
    assert batch_public(moved).stalled_since is None
    # The thumbnail stage's own deadline starts now, from the real clock of the projector.
    replica.now = utc_now() + timedelta(seconds=5)
    assert await replica.watch.check_once() == 0
    still = await replica.repo.batch(batch_id)
    assert still is not None
    assert still.status == "draft"
