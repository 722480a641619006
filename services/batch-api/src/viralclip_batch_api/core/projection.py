"""The batch state machine: pipeline events and user commands → the batch's projected state.

Pure: no clock, no database. Stages only move forward, in the order of the contracts' pipeline table
(queued → windowing → scoring → thumbnails → done), each event to the stage after its row; a
duplicate, late or out-of-order event and any event of a stale job change nothing. The status goes
draft → ready → final, or draft → failed; a failed batch restarts as a new job. The same machine
projects a `jobs` document: a job's state is a batch state pinned to that job id.
"""

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from viralclip_contracts import (
    BATCH_PIPELINE,
    BatchFailed,
    ClipsScored,
    PipelineEvent,
    Stage,
    ThumbnailsDone,
    WindowsReady,
)

from .errors import ConflictError


class BatchStatus(StrEnum):
    """Where the batch is for the creator: being made, ready to review, finalized, or failed."""

    DRAFT = "draft"
    READY = "ready"
    FINAL = "final"
    FAILED = "failed"


STAGE_ORDER: tuple[Stage, ...] = BATCH_PIPELINE.stages
"""The stages in the order a batch passes them (the contracts' pipeline table)."""
STAGE_PROGRESS: dict[Stage, float] = {stage: BATCH_PIPELINE.progress_at(stage) for stage in STAGE_ORDER}
"""Share of the work done when a stage starts, from each stage's share in the pipeline table."""
TERMINAL_STATUSES = frozenset({BatchStatus.READY, BatchStatus.FINAL, BatchStatus.FAILED})


def stage_rank(stage: Stage) -> int:
    """Position of `stage` in the pipeline, 0 = queued."""
    return BATCH_PIPELINE.rank(stage)


class BatchState(BaseModel):
    """What the projection knows about one batch (or one job) of the pipeline."""

    model_config = ConfigDict(frozen=True)

    current_job_id: str
    status: BatchStatus = BatchStatus.DRAFT
    stage: Stage = Stage.QUEUED
    progress: float = Field(default=0.0, ge=0.0, le=1.0)
    error_message: str | None = None
    windows_total: int | None = None
    windows_failed: int | None = None
    clips_total: int | None = None
    thumbnails_failed: int | None = None
    applied_event_ids: tuple[str, ...] = Field(
        default=(), description="Events that changed this state: the projection's position."
    )

    @property
    def is_terminal(self) -> bool:
        """True once the pipeline run has ended (ready, final or failed)."""
        return self.status in TERMINAL_STATUSES


class Outcome(StrEnum):
    """What applying an event did."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    STALE_JOB = "stale_job"
    LATE = "late"
    ENDED = "ended"


@dataclass(frozen=True)
class Projected:
    """The state after an event, and why it changed or did not."""

    state: BatchState
    outcome: Outcome

    @property
    def changed(self) -> bool:
        return self.outcome is Outcome.APPLIED


def apply_event(state: BatchState, event: PipelineEvent) -> Projected:
    """Fold one pipeline event into `state`; anything but forward progress leaves it unchanged."""
    if event.job_id != state.current_job_id:
        return Projected(state, Outcome.STALE_JOB)
    event_id = str(event.event_id)
    if event_id in state.applied_event_ids:
        return Projected(state, Outcome.DUPLICATE)
    if state.is_terminal:
        return Projected(state, Outcome.ENDED)
    if isinstance(event, BatchFailed):
        return Projected(_failed(state, event, event_id), Outcome.APPLIED)
    target = BATCH_PIPELINE.stage_after(type(event))
    if stage_rank(target) <= stage_rank(state.stage):
        return Projected(state, Outcome.LATE)
    changes: dict[str, object] = {
        "stage": target,
        "progress": STAGE_PROGRESS[target],
        "applied_event_ids": (*state.applied_event_ids, event_id),
        **_counts(event),
    }
    if target is BATCH_PIPELINE.done:
        changes["status"] = BatchStatus.READY
    return Projected(state.model_copy(update=changes), Outcome.APPLIED)


def _failed(state: BatchState, event: BatchFailed, event_id: str) -> BatchState:
    stage = event.stage if stage_rank(event.stage) > stage_rank(state.stage) else state.stage
    return state.model_copy(
        update={
            "status": BatchStatus.FAILED,
            "stage": stage,
            "error_message": event.error_message,
            "applied_event_ids": (*state.applied_event_ids, event_id),
        }
    )


def _counts(event: PipelineEvent) -> dict[str, object]:
    if isinstance(event, WindowsReady):
        return {"windows_total": len(event.windows)}
    if isinstance(event, ClipsScored):
        return {
            "clips_total": len(event.clips),
            "windows_total": event.windows_total,
            "windows_failed": event.windows_failed,
        }
    if isinstance(event, ThumbnailsDone):
        return {"clips_total": len(event.clips), "thumbnails_failed": event.thumbnails_failed}
    return {}


def finalize(state: BatchState) -> BatchState:
    """The creator accepts a ready batch; else a conflict. Finalizing twice is a no-op."""
    if state.status is BatchStatus.FINAL:
        return state
    if state.status is not BatchStatus.READY:
        raise ConflictError(f"only a ready batch can be finalized; this one is {state.status}")
    return state.model_copy(update={"status": BatchStatus.FINAL})


def restart(state: BatchState, new_job_id: str) -> BatchState:
    """A failed batch starts over as a new job; events of the old job become stale."""
    if state.status is not BatchStatus.FAILED:
        raise ConflictError(f"only a failed batch can be retried; this one is {state.status}")
    return BatchState(current_job_id=new_job_id)
