"""The export state machine: queued → done/failed, done is final, a failed export can be re-requested."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from viralclip_batch_api.core.export_state import (
    ExportOutcome,
    ExportState,
    apply_request,
    apply_result,
    new_export,
    next_request_number,
    shown_progress,
    shown_status,
)
from viralclip_contracts import (
    AspectRatio,
    ClipExported,
    ClipExportFailed,
    ClipExportRequested,
    ExportStatus,
    ReframeMode,
    RenderSettings,
)

T0 = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
BASE = {"batch_id": "b-1", "video_id": "v-1", "job_id": "j-1", "producer": "test"}
SETTINGS = RenderSettings(aspect_ratio=AspectRatio.PORTRAIT, reframe=ReframeMode.FACE, captions=True)


def requested(at: datetime = T0) -> ClipExportRequested:
    return ClipExportRequested(
        **BASE, occurred_at=at, export_id="e-1", clip_id="c-1", start_sec=10, end_sec=40, settings=SETTINGS
    )


def exported(at: datetime = T0 + timedelta(seconds=30)) -> ClipExported:
    return ClipExported(
        **BASE,
        occurred_at=at,
        export_id="e-1",
        clip_id="c-1",
        file_path="exports/b-1/e-1.mp4",
        size_bytes=1234,
        duration_sec=30.0,
        width=1080,
        height=1920,
    )


def failed(at: datetime = T0 + timedelta(seconds=30)) -> ClipExportFailed:
    return ClipExportFailed(
        **BASE, occurred_at=at, export_id="e-1", clip_id="c-1", error_message="Rendering failed: no video."
    )


def queued() -> ExportState:
    return new_export(requested())


def test_a_new_export_is_queued_and_its_first_request_is_number_one() -> None:
    state = queued()

    assert (state.status, state.requests, state.requested_at) == (ExportStatus.QUEUED, 1, T0)
    assert next_request_number(None) == 1
    assert next_request_number(state) is None


def test_exported_makes_it_done_with_the_file_and_a_duplicate_changes_nothing() -> None:
    event = exported()
    done = apply_result(queued(), event)

    assert done.outcome is ExportOutcome.APPLIED
    state = done.state
    assert (state.status, state.file_path, state.size_bytes, state.width, state.height) == (
        ExportStatus.DONE,
        "exports/b-1/e-1.mp4",
        1234,
        1080,
        1920,
    )
    assert apply_result(state, event).outcome is ExportOutcome.DUPLICATE
    assert next_request_number(state) is None  # done is never rendered again


def test_done_is_final_even_for_a_later_failure() -> None:
    done = apply_result(queued(), exported()).state

    after = apply_result(done, failed(T0 + timedelta(minutes=5)))

    assert (after.outcome, after.state) == (ExportOutcome.ENDED, done)


def test_a_failed_export_is_re_requested_as_request_two_and_the_old_failure_is_stale() -> None:
    old_failure = failed()
    state = apply_result(queued(), old_failure).state
    assert (state.status, state.error_message) == (ExportStatus.FAILED, "Rendering failed: no video.")
    assert next_request_number(state) == 2

    again = requested(T0 + timedelta(minutes=1)).model_copy(update={"event_id": uuid4()})
    requeued = apply_request(state, again)

    assert requeued.outcome is ExportOutcome.APPLIED
    assert (requeued.state.status, requeued.state.requests, requeued.state.error_message) == (
        ExportStatus.QUEUED,
        2,
        None,
    )
    late = old_failure.model_copy(update={"event_id": uuid4()})  # re-emitted, before the new request
    assert apply_result(requeued.state, late).outcome is ExportOutcome.STALE
    assert apply_request(requeued.state, again).outcome is ExportOutcome.DUPLICATE


def test_a_request_for_a_queued_or_done_export_changes_nothing() -> None:
    other = requested().model_copy(update={"event_id": uuid4()})

    assert apply_request(queued(), other).outcome is ExportOutcome.IN_PROGRESS
    done = apply_result(queued(), exported()).state
    assert apply_request(done, other).outcome is ExportOutcome.IN_PROGRESS


def test_a_file_ends_even_a_failed_export() -> None:
    state = apply_result(queued(), failed()).state

    assert apply_result(state, exported()).state.status is ExportStatus.DONE


def test_an_answer_naming_another_clip_is_ignored() -> None:
    wrong = exported().model_copy(update={"clip_id": "c-2"})

    assert apply_result(queued(), wrong).outcome is ExportOutcome.OTHER_CLIP


def test_shown_status_and_progress_follow_the_render_of_the_current_request() -> None:
    state = queued()

    assert shown_status(state, None) is ExportStatus.QUEUED
    assert shown_status(state, T0 - timedelta(seconds=1)) is ExportStatus.QUEUED  # an earlier request's run
    rendering = shown_status(state, T0 + timedelta(seconds=1))
    assert rendering is ExportStatus.RENDERING
    assert shown_progress(state, rendering, 0.4) == 0.4
    assert shown_progress(state, ExportStatus.QUEUED, 0.4) == 0.0
    done = apply_result(state, exported()).state
    assert shown_progress(done, ExportStatus.DONE, None) == 1.0
