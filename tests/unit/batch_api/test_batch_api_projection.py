"""The batch state machine: forward-only stages, idempotent, stale jobs ignored, failure recorded."""

from collections.abc import Callable
from typing import cast
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viralclip_batch_api.core.errors import ConflictError
from viralclip_batch_api.core.projection import (
    STAGE_PROGRESS,
    BatchState,
    BatchStatus,
    Outcome,
    apply_event,
    finalize,
    restart,
    stage_rank,
)
from viralclip_contracts import (
    BATCH_PIPELINE,
    BatchCreated,
    BatchFailed,
    Clip,
    ClipBatchConfig,
    ClipsScored,
    Event,
    Grade,
    PipelineEvent,
    Stage,
    Step,
    ThumbnailsDone,
    Window,
    WindowsReady,
)

BATCH, VIDEO, JOB = "b-1", "v-1", "j-current"


def _base(job_id: str, event_id: UUID | None) -> dict[str, object]:
    return {
        "batch_id": BATCH,
        "video_id": VIDEO,
        "job_id": job_id,
        "producer": "test",
        "event_id": event_id or uuid4(),
    }


def _clip(rank: int) -> Clip:
    return Clip(
        clip_id=f"c-{rank}",
        clip_batch_id=BATCH,
        video_id=VIDEO,
        start_time_sec=10.0 * rank,
        end_time_sec=10.0 * rank + 30,
        duration_sec=30,
        title="t",
        description="d",
        viral_score=5,
        grade_hook=Grade.A,
        grade_flow=Grade.B,
        grade_value=Grade.B,
        grade_trend=Grade.C,
        language="en",
        rank=rank,
    )


def created(job_id: str = JOB, event_id: UUID | None = None) -> BatchCreated:
    return BatchCreated(**_base(job_id, event_id), config=ClipBatchConfig())  # type: ignore[arg-type]


def windows(job_id: str = JOB, event_id: UUID | None = None) -> WindowsReady:
    window = Window(window_id="w0", start_sec=0, end_sec=30, scene_ids=("s0",), transcript=())
    return WindowsReady(
        **_base(job_id, event_id),  # type: ignore[arg-type]
        config=ClipBatchConfig(),
        language="en",
        windows=(window, window),
    )


def scored(job_id: str = JOB, event_id: UUID | None = None) -> ClipsScored:
    return ClipsScored(
        **_base(job_id, event_id),  # type: ignore[arg-type]
        config=ClipBatchConfig(),
        clips=(_clip(1), _clip(2), _clip(3)),
        windows_total=4,
        windows_failed=1,
    )


def thumbnails(job_id: str = JOB, event_id: UUID | None = None) -> ThumbnailsDone:
    return ThumbnailsDone(
        **_base(job_id, event_id),  # type: ignore[arg-type]
        clips=(_clip(1), _clip(2), _clip(3)),
        thumbnails_failed=1,
    )


def failed(job_id: str = JOB, event_id: UUID | None = None, stage: Stage = Stage.SCORING) -> BatchFailed:
    return BatchFailed(
        **_base(job_id, event_id),  # type: ignore[arg-type]
        stage=stage,
        error_message="Scoring failed: LLM unreachable; retry the batch.",
    )


#: the events whose payload the projection counts; another stage's event is only its envelope to it
MAKERS: dict[type[Event], Callable[[str, UUID | None], PipelineEvent]] = {
    BatchCreated: created,
    WindowsReady: windows,
    ClipsScored: scored,
    ThumbnailsDone: thumbnails,
}


def event_of(step: Step[Stage], job_id: str = JOB, event_id: UUID | None = None) -> PipelineEvent:
    """The event that ends `step`'s stage."""
    maker = MAKERS.get(step.event)
    if maker is not None:
        return maker(job_id, event_id)
    return cast(PipelineEvent, step.event.model_construct(**_base(job_id, event_id)))  # type: ignore[arg-type]


def happy_path(job_id: str = JOB) -> list[PipelineEvent]:
    """One event per row of the pipeline table, in the table's order."""
    return [event_of(step, job_id) for step in BATCH_PIPELINE.steps]


def fold(events: list[PipelineEvent], state: BatchState | None = None) -> BatchState:
    state = state or BatchState(current_job_id=JOB)
    for event in events:
        state = apply_event(state, event).state
    return state


def test_the_happy_path_walks_every_stage_and_ends_ready() -> None:
    state = BatchState(current_job_id=JOB)
    seen = [(state.stage, state.progress)]
    for event in happy_path():
        state = apply_event(state, event).state
        seen.append((state.stage, state.progress))

    assert [stage for stage, _ in seen] == list(BATCH_PIPELINE.stages)
    assert [progress for _, progress in seen] == [BATCH_PIPELINE.progress_at(s) for s, _ in seen]
    assert [progress for _, progress in seen] == sorted(p for _, p in seen)
    assert state.status is BatchStatus.READY
    assert state.progress == 1.0
    assert (state.clips_total, state.windows_total, state.windows_failed) == (3, 4, 1)
    assert state.thumbnails_failed == 1


def test_windows_ready_counts_the_windows() -> None:
    assert fold([created(), windows()]).windows_total == 2


def test_a_duplicate_event_changes_nothing() -> None:
    event_id = uuid4()
    once = fold([created(), windows(event_id=event_id)])

    again = apply_event(once, windows(event_id=event_id))

    assert again.outcome is Outcome.DUPLICATE
    assert again.state == once


def test_a_late_event_changes_nothing() -> None:
    state = fold([created(), windows(), scored()])

    late = apply_event(state, windows())

    assert late.outcome is Outcome.LATE
    assert late.state == state


def test_an_out_of_order_event_skips_ahead_and_the_straggler_is_ignored() -> None:
    state = fold([created(), scored()])
    assert state.stage is Stage.THUMBNAILS

    assert apply_event(state, windows()).outcome is Outcome.LATE


def test_events_of_a_stale_job_are_ignored() -> None:
    state = fold([created()])

    result = apply_event(state, thumbnails(job_id="j-old"))

    assert result.outcome is Outcome.STALE_JOB
    assert result.state == state


def test_batch_failed_records_the_error_and_keeps_the_progress() -> None:
    before = fold([created(), windows()])

    state = apply_event(before, failed(stage=Stage.SCORING)).state

    assert state.status is BatchStatus.FAILED
    assert state.error_message == "Scoring failed: LLM unreachable; retry the batch."
    assert state.stage is Stage.SCORING
    assert state.progress == before.progress


def test_a_failure_reported_for_an_earlier_stage_does_not_move_the_stage_back() -> None:
    state = fold([created(), windows(), scored(), failed(stage=Stage.WINDOWING)])

    assert state.status is BatchStatus.FAILED
    assert state.stage is Stage.THUMBNAILS


def test_nothing_moves_a_ready_batch_not_even_a_late_failure() -> None:
    ready = fold(happy_path())

    result = apply_event(ready, failed())

    assert result.outcome is Outcome.ENDED
    assert result.state.status is BatchStatus.READY


def test_a_failed_batch_ignores_later_stage_events_of_the_same_job() -> None:
    state = fold([created(), failed(stage=Stage.WINDOWING), windows(), thumbnails()])

    assert state.status is BatchStatus.FAILED
    assert state.stage is Stage.WINDOWING


def test_finalize_needs_a_ready_batch_and_is_idempotent() -> None:
    with pytest.raises(ConflictError, match="draft"):
        finalize(fold([created()]))
    ready = fold(happy_path())

    final = finalize(ready)

    assert final.status is BatchStatus.FINAL
    assert finalize(final) == final


def test_restart_makes_a_new_job_whose_events_count_and_old_ones_do_not() -> None:
    broken = fold([created(), failed(stage=Stage.WINDOWING)])

    fresh = restart(broken, "j-next")

    assert (fresh.status, fresh.stage, fresh.progress, fresh.error_message) == (
        BatchStatus.DRAFT,
        Stage.QUEUED,
        0.0,
        None,
    )
    assert apply_event(fresh, windows(job_id=JOB)).outcome is Outcome.STALE_JOB
    assert fold([created("j-next"), windows("j-next")], fresh).stage is Stage.SCORING


@pytest.mark.parametrize("status_events", [[], ["ready"]])
def test_restart_is_refused_unless_failed(status_events: list[str]) -> None:
    events: list[PipelineEvent] = [created()]
    if status_events:
        events = happy_path()
    with pytest.raises(ConflictError, match="only a failed batch"):
        restart(fold(events), "j-next")


# --- property: any order, duplication or staleness never moves status or stage backwards ---------

_STATUS_MOVES = {
    (BatchStatus.DRAFT, BatchStatus.READY),
    (BatchStatus.DRAFT, BatchStatus.FAILED),
}


@st.composite
def event_streams(draw: st.DrawFn) -> list[PipelineEvent]:
    """A stream of events of the current and of stale jobs, with duplicates, in any order."""
    originals: list[PipelineEvent] = []
    for step in (*BATCH_PIPELINE.steps, None):
        for job_id in draw(st.lists(st.sampled_from([JOB, "j-stale"]), max_size=2)):
            if step is None:
                stage = draw(st.sampled_from(list(Stage)))
                originals.append(failed(job_id, stage=stage))
            else:
                originals.append(event_of(step, job_id))
    if not originals:
        return []
    repeats = draw(st.lists(st.sampled_from(originals), max_size=6))
    return draw(st.permutations(originals + repeats))


@settings(max_examples=300, deadline=None)
@given(event_streams())
def test_no_event_stream_moves_status_stage_or_progress_backwards(
    events: list[PipelineEvent],
) -> None:
    state = BatchState(current_job_id=JOB)
    for event in events:
        result = apply_event(state, event)
        new = result.state
        assert stage_rank(new.stage) >= stage_rank(state.stage)
        assert new.progress >= state.progress
        assert new.status == state.status or (state.status, new.status) in _STATUS_MOVES
        if event.job_id != JOB:
            assert new == state
        again = apply_event(new, event)
        assert again.state == new, "re-applying the same event must change nothing"
        state = new


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_in_order_events_with_duplicates_always_end_ready(data: st.DataObject) -> None:
    events = happy_path()
    order = [type(event) for event in events]
    duplicated = sorted(
        events + data.draw(st.lists(st.sampled_from(events), max_size=8)),
        key=lambda event: order.index(type(event)),
    )

    state = fold(duplicated)

    assert state.status is BatchStatus.READY
    assert state.progress == STAGE_PROGRESS[Stage.DONE]
    assert len(state.applied_event_ids) == len(BATCH_PIPELINE.steps)
