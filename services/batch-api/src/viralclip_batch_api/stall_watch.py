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
    BATCH_CREATED,
    BATCH_FAILED,
    CLIPS_SCORED,
    EVENT_BY_TOPIC,
    WINDOWS_READY,
    BatchFailed,
    Event,
    Stage,
)
from viralclip_runtime import TRANSIENT_ERRORS, derived_event_id

from .deadlines import WATCHED_STAGES, Action, DeadlineRules, failure_message, judge, stage_deadline_sec
from .documents import Document, outbox_entry, stage_started_at, state_from_document, utc_now
from .projector import Projector
from .repository import Repository

logger = logging.getLogger(__name__)
PRODUCER = "batch-api"

# The event a stage's worker consumes: what a re-drive of a batch in that stage republishes.
_INPUT_TOPIC = {
    Stage.QUEUED: BATCH_CREATED,
    Stage.WINDOWING: BATCH_CREATED,
    Stage.SCORING: WINDOWS_READY,
    Stage.THUMBNAILS: CLIPS_SCORED,
}


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
        for doc in await self._repo.draft_batches():
            state = state_from_document(doc)
            if state.stage not in WATCHED_STAGES:
                continue
            deadline = stage_deadline_sec(
                state.stage, self._rules, windows_total=state.windows_total, clips_total=state.clips_total
            )
            stall = _stall_of(doc)
            if stall and stall.get("failed_at"):
                # Another replica (or this one, before a crash) claimed the failure; its batch.failed is
                # in the outbox, and projecting it ends the batch.
                continue
            verdict = judge(
                stage_started_at=stage_started_at(doc),
                deadline_sec=deadline,
                redriven_at=stall.get("redriven_at") if stall else None,
                now=now,
            )
            if verdict.action is Action.REDRIVE and verdict.stalled_since is not None:
                acted += await self._redrive(doc, verdict.stalled_since, now)
            elif verdict.action is Action.FAIL:
                acted += await self._fail(doc, (now - stage_started_at(doc)).total_seconds())
        return acted

    async def _redrive(self, doc: Document, stalled_since: datetime, now: datetime) -> int:
        state = state_from_document(doc)
        event = await self._input_event(doc)
        stall: Document = {
            "job_id": state.current_job_id,
            "stage": state.stage.value,
            "stalled_since": stalled_since,
            "redriven_at": now,
            "redriven": event is not None,
        }
        push = None
        if event is not None:
            again = event.model_copy(
                update={"event_id": derived_event_id(event.job_id, f"{event.event_type}/redrive")}
            )
            push = {"outbox": outbox_entry(again.event_type, again, now)}
        if not await self._repo.claim_stall(doc, stall=stall, push=push):
            return 0  # another replica acted first, or the batch moved meanwhile
        logger.warning(
            "batch past its stage deadline; re-driven once",
            extra={
                "batch_id": doc["_id"],
                "job_id": state.current_job_id,
                "stage": state.stage,
                "republished": event.event_type if event else None,
            },
        )
        self._wake_relay()
        self._count(Action.REDRIVE)
        return 1

    def _count(self, action: Action) -> None:
        if self._on_action is not None:
            self._on_action(self.name, action.value)

    async def _input_event(self, doc: Document) -> Event | None:
        """The current job's event that the stage's worker consumes, from what is stored."""
        state = state_from_document(doc)
        topic = _INPUT_TOPIC[state.stage]
        if state.stage is Stage.QUEUED:
            full = await self._repo.batch_with_outbox(doc["_id"])
            entries = [] if full is None else full.get("outbox", [])
            stored = [e["event"] for e in entries if e["topic"] == topic]
        else:
            last = doc.get("last_event") or {}
            stored = [last["event"]] if last.get("topic") == topic else []
        for raw in reversed(stored):
            if raw.get("job_id") == state.current_job_id:
                return EVENT_BY_TOPIC[topic].model_validate(raw)
        return None

    async def _fail(self, doc: Document, waited_sec: float) -> int:
        state = state_from_document(doc)
        failed = BatchFailed(
            event_id=derived_event_id(state.current_job_id, f"{BATCH_FAILED}/deadline"),
            batch_id=doc["_id"],
            video_id=doc["video_id"],
            job_id=state.current_job_id,
            producer=PRODUCER,
            stage=state.stage,
            error_message=failure_message(state.stage, waited_sec),
        )
        stall = {**(_stall_of(doc) or {}), "failed_at": utc_now()}
        push = {"outbox": outbox_entry(BATCH_FAILED, failed, utc_now())}
        if not await self._repo.claim_stall(doc, stall=stall, push=push):
            return 0
        logger.error(
            "batch failed: no move within its deadline after a re-drive",
            extra={"batch_id": doc["_id"], "stage": state.stage, "error": failed.error_message},
        )
        # Projected here, so the batch fails even while the broker is away; the outbox tells other
        # consumers, and the projector takes that copy as a duplicate.
        self._count(Action.FAIL)
        await self._projector.project(failed)
        self._wake_relay()
        return 1


def _stall_of(doc: Document) -> Document | None:
    """The stall record of the batch's current job and stage, if any."""
    stall = doc.get("stall")
    state = state_from_document(doc)
    if not stall or stall.get("job_id") != state.current_job_id or stall.get("stage") != state.stage:
        return None
    return dict(stall)


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
