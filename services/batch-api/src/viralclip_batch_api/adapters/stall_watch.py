"""The stall watch: batch-api's background loop that keeps every in-flight batch inside its deadlines.

Each round it reads the draft batches and asks `deadlines.judge` what to do. Past a stage's deadline
the batch is re-driven once: the event that moved it into the stage (stored by the projector; the
outbox's `batch.created` for a queued batch) goes out again through the outbox, under an id derived
for the re-drive — the idempotent stages turn it into progress (stored windows, LLM answers and
thumbnails are reused; their answers keep their derived ids, so the projection takes them once), while
the same id would be skipped by the inbox of a stage that finished but whose answer the broker lost.
One more deadline without a move and the batch fails: its `batch.failed` is projected at once and
published through the outbox. Both steps are claimed by a write conditional on the batch's `version`,
so of several replicas exactly one acts (the webhook sender claims deliveries the same way).

Lifecycles are entries: `StallWatch` runs every `Watched` it is given; clip exports join as one more.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from viralclip_contracts import (
    BATCH_FAILED,
    BATCH_PIPELINE,
    BatchFailed,
    Event,
    Stage,
)
from viralclip_runtime import TRANSIENT_ERRORS, derived_event_id

from ..core.deadlines import WATCHED_STAGES, Action, DeadlineRules, failure_message, judge, stage_deadline_sec
from ..core.records import BatchRecord, OutboxEntry, Stall, utc_now
from .projector import Projector
from .repository import Repository

logger = logging.getLogger(__name__)
PRODUCER = "batch-api"


class Watched(Protocol):
    """One lifecycle under deadline: `check` acts on what is overdue at `now`; returns how many acted."""

    name: str

    async def check(self, now: datetime) -> int: ...


class BatchDeadlines:
    """The batch pipeline under deadline."""

    name = "batches"

    def __init__(
        self,
        repo: Repository,
        projector: Projector,
        rules: DeadlineRules,
        *,
        wake_relay: Callable[[], None],
        on_action: Callable[[str, str], None] | None = None,
    ) -> None:
        self._repo = repo
        self._projector = projector
        self._rules = rules
        self._wake_relay = wake_relay
        self._on_action = on_action

    async def check(self, now: datetime) -> int:
        acted = 0
        for batch in await self._repo.draft_batches():
            if batch.stage not in WATCHED_STAGES:
                continue
            deadline = stage_deadline_sec(
                batch.stage, self._rules, windows_total=batch.windows_total, clips_total=batch.clips_total
            )
            stall = batch.current_stall
            if stall is not None and stall.failed_at is not None:
                # Another replica (or this one, before a crash) claimed the failure; its batch.failed is
                # in the outbox, and projecting it ends the batch.
                continue
            verdict = judge(
                stage_started_at=batch.stage_started,
                deadline_sec=deadline,
                redriven_at=stall.redriven_at if stall is not None else None,
                now=now,
            )
            if verdict.action is Action.REDRIVE and verdict.stalled_since is not None:
                acted += await self._redrive(batch, verdict.stalled_since, now)
            elif verdict.action is Action.FAIL:
                acted += await self._fail(batch, (now - batch.stage_started).total_seconds())
        return acted

    async def _redrive(self, batch: BatchRecord, stalled_since: datetime, now: datetime) -> int:
        event = await self._input_event(batch)
        stall = Stall(
            job_id=batch.current_job_id,
            stage=batch.stage,
            stalled_since=stalled_since,
            redriven_at=now,
            redriven=event is not None,
        )
        push = None
        if event is not None:
            again = event.model_copy(
                update={"event_id": derived_event_id(event.job_id, f"{event.event_type}/redrive")}
            )
            push = OutboxEntry.of(again, created_at=now, trace_context={})
        if not await self._repo.claim_stall(batch, stall, publish=push):
            return 0  # another replica acted first, or the batch moved meanwhile
        logger.warning(
            "batch past its stage deadline; re-driven once",
            extra={
                "batch_id": batch.batch_id,
                "job_id": batch.current_job_id,
                "stage": batch.stage,
                "republished": event.event_type if event else None,
            },
        )
        self._wake_relay()
        self._count(Action.REDRIVE)
        return 1

    def _count(self, action: Action) -> None:
        if self._on_action is not None:
            self._on_action(self.name, action.value)

    async def _input_event(self, batch: BatchRecord) -> Event | None:
        """The current job's event that the stage's worker consumes, from what is stored."""
        topic = BATCH_PIPELINE.input_topic(batch.stage)
        if batch.stage is Stage.QUEUED:
            full = await self._repo.batch_with_outbox(batch.batch_id)
            stored = [e.event for e in (full.outbox if full is not None else ()) if e.topic == topic]
        else:
            last = batch.last_event
            stored = [last.event] if last is not None and last.topic == topic else []
        for event in reversed(stored):
            if event.job_id == batch.current_job_id:
                return event
        return None

    async def _fail(self, batch: BatchRecord, waited_sec: float) -> int:
        failed = BatchFailed(
            event_id=derived_event_id(batch.current_job_id, f"{BATCH_FAILED}/deadline"),
            batch_id=batch.batch_id,
            video_id=batch.video_id,
            job_id=batch.current_job_id,
            producer=PRODUCER,
            stage=batch.stage,
            error_message=failure_message(batch.stage, waited_sec),
        )
        now = utc_now()
        before = batch.current_stall
        stall = (
            before.model_copy(update={"failed_at": now})
            if before is not None
            else Stall(job_id=batch.current_job_id, stage=batch.stage, stalled_since=now, failed_at=now)
        )
        push = OutboxEntry.of(failed, created_at=now, trace_context={})
        if not await self._repo.claim_stall(batch, stall, publish=push):
            return 0
        logger.error(
            "batch failed: no move within its deadline after a re-drive",
            extra={"batch_id": batch.batch_id, "stage": batch.stage, "error": failed.error_message},
        )
        # Projected here, so the batch fails even while the broker is away; the outbox tells other
        # consumers, and the projector takes that copy as a duplicate.
        self._count(Action.FAIL)
        await self._projector.project(failed)
        self._wake_relay()
        return 1


class StallWatch:
    """Runs every watched lifecycle each interval until cancelled (one task per batch-api process)."""

    def __init__(
        self,
        watched: Sequence[Watched],
        *,
        interval_sec: float,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._watched = tuple(watched)
        self._interval_sec = interval_sec
        self._clock = clock
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    async def check_once(self) -> int:
        """One round over every lifecycle; returns how many items were re-driven or failed."""
        acted = 0
        for watched in self._watched:
            acted += await watched.check(self._clock())
        return acted

    async def run(self) -> None:
        """Watch until cancelled. Broker or database outages are retried at the next round; anything
        else ends the task, which `/readyz` then reports."""
        while True:
            self._wakeup.clear()
            try:
                await self.check_once()
            except TRANSIENT_ERRORS as error:
                logger.warning("stall watch: dependency unavailable", extra={"error": repr(error)})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._interval_sec)
