"""The export state machine: requests and the render's answers → the export's projected state.

Pure: no clock, no database. An export is `queued` (→ shown as `rendering` once the render has started
this request), then `done` or `failed`. `done` is final: the same clip range and settings never render
again. A `failed` export is re-requested by asking for it again: the request count goes up, and a new
`clip.export_requested` (its id derived from the export id and that count) goes out. Duplicates change
nothing; a failure older than the current request answers an earlier one and is stale.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from viralclip_contracts import (
    ClipExported,
    ClipExportFailed,
    ClipExportRequested,
    ExportStatus,
    RenderSettings,
)

ExportResult = ClipExported | ClipExportFailed


class ExportState(BaseModel):
    """What batch-api knows about one export (the fields of an `exports` document it owns)."""

    model_config = ConfigDict(frozen=True)

    export_id: str
    clip_id: str
    batch_id: str
    video_id: str
    job_id: str = Field(description="The batch's job when the export was (last) requested.")
    start_sec: float
    end_sec: float
    settings: RenderSettings
    status: ExportStatus = ExportStatus.QUEUED
    requests: int = Field(default=1, ge=1, description="How often it was requested (re-requests count).")
    request_event_id: str
    requested_at: datetime
    file_path: str | None = None
    size_bytes: int | None = None
    duration_sec: float | None = None
    width: int | None = None
    height: int | None = None
    error_message: str | None = None
    finished_at: datetime | None = None
    applied_event_ids: tuple[str, ...] = ()

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)


class ExportOutcome(StrEnum):
    """What applying an event did."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    ENDED = "ended"  # done already (or failed already, for a failure)
    STALE = "stale"  # a failure of an earlier request
    IN_PROGRESS = "in_progress"  # a request for an export that is queued or done
    OTHER_CLIP = "other_clip"  # the event names another clip than the export: ignored


@dataclass(frozen=True)
class ExportProjected:
    state: ExportState
    outcome: ExportOutcome

    @property
    def changed(self) -> bool:
        return self.outcome is ExportOutcome.APPLIED


def next_request_number(state: ExportState | None) -> int | None:
    """The number of the request to send now: 1 for a new export, one more for a failed one, and
    None when the export is queued, rendering or done (nothing to send)."""
    if state is None:
        return 1
    if state.status is ExportStatus.FAILED:
        return state.requests + 1
    return None


def new_export(event: ClipExportRequested, *, requests: int = 1) -> ExportState:
    """The queued export a first request creates."""
    event_id = str(event.event_id)
    return ExportState(
        export_id=event.export_id,
        clip_id=event.clip_id,
        batch_id=event.batch_id,
        video_id=event.video_id,
        job_id=event.job_id,
        start_sec=event.start_sec,
        end_sec=event.end_sec,
        settings=event.settings,
        requests=requests,
        request_event_id=event_id,
        requested_at=event.occurred_at,
        applied_event_ids=(event_id,),
    )


def apply_request(state: ExportState, event: ClipExportRequested) -> ExportProjected:
    """A request for an existing export: re-queues a failed one, else changes nothing."""
    event_id = str(event.event_id)
    if event_id in state.applied_event_ids:
        return ExportProjected(state, ExportOutcome.DUPLICATE)
    if state.status is not ExportStatus.FAILED:
        return ExportProjected(state, ExportOutcome.IN_PROGRESS)
    requeued = state.model_copy(
        update={
            "status": ExportStatus.QUEUED,
            "requests": state.requests + 1,
            "request_event_id": event_id,
            "requested_at": event.occurred_at,
            "job_id": event.job_id,
            "error_message": None,
            "finished_at": None,
            "applied_event_ids": (*state.applied_event_ids, event_id),
        }
    )
    return ExportProjected(requeued, ExportOutcome.APPLIED)


def apply_result(state: ExportState, event: ExportResult) -> ExportProjected:
    """Fold the render's answer into the export: done wins over everything, a failure only ends the
    current request."""
    event_id = str(event.event_id)
    if event.clip_id != state.clip_id:
        return ExportProjected(state, ExportOutcome.OTHER_CLIP)
    if event_id in state.applied_event_ids:
        return ExportProjected(state, ExportOutcome.DUPLICATE)
    if state.status is ExportStatus.DONE:
        return ExportProjected(state, ExportOutcome.ENDED)
    applied = (*state.applied_event_ids, event_id)
    if isinstance(event, ClipExported):
        # A file for this export id is a file for this clip range and these settings, whichever
        # request produced it, so it ends a failed or re-queued export too.
        done = state.model_copy(
            update={
                "status": ExportStatus.DONE,
                "file_path": event.file_path,
                "size_bytes": event.size_bytes,
                "duration_sec": event.duration_sec,
                "width": event.width,
                "height": event.height,
                "error_message": None,
                "finished_at": event.occurred_at,
                "applied_event_ids": applied,
            }
        )
        return ExportProjected(done, ExportOutcome.APPLIED)
    if state.status is ExportStatus.FAILED:
        return ExportProjected(state, ExportOutcome.ENDED)
    if event.occurred_at < state.requested_at:
        return ExportProjected(state, ExportOutcome.STALE)
    failed = state.model_copy(
        update={
            "status": ExportStatus.FAILED,
            "error_message": event.error_message,
            "finished_at": event.occurred_at,
            "applied_event_ids": applied,
        }
    )
    return ExportProjected(failed, ExportOutcome.APPLIED)


def shown_status(state: ExportState, render_started_at: datetime | None) -> ExportStatus:
    """The status a client sees: a queued export whose current request the render has started is
    `rendering`."""
    started = render_started_at is not None and render_started_at >= state.requested_at
    return ExportStatus.RENDERING if state.status is ExportStatus.QUEUED and started else state.status


def shown_progress(state: ExportState, status: ExportStatus, render_progress: float | None) -> float:
    """0–1 for a progress bar: 1 when done, the render's own figure while it renders, else 0."""
    if state.status is ExportStatus.DONE:
        return 1.0
    if status is ExportStatus.RENDERING and render_progress is not None:
        return min(1.0, max(0.0, render_progress))
    return 0.0
