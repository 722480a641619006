"""The lifecycle tables: every list of stages, topics and events is read from them, and they agree."""

import typing

import pytest

from viralclip_contracts import (
    BATCH_PIPELINE,
    EVENT_BY_TOPIC,
    EXPORT_LIFECYCLE,
    EXPORT_TOPICS,
    LIFECYCLES,
    PIPELINE_TOPICS,
    BatchCreated,
    BatchFailed,
    ClipExported,
    ClipExportFailed,
    ClipExportRequested,
    ClipsScored,
    ExportEvent,
    ExportStatus,
    Lifecycle,
    PipelineEvent,
    Stage,
    Step,
    ThumbnailsDone,
    WindowsReady,
    producer_order,
)


def test_the_batch_pipeline_starts_queued_by_batch_api_and_ends_done() -> None:
    """What batch-api and the review page rely on; the stages between are the table's rows."""
    first = BATCH_PIPELINE.steps[0]
    assert (first.stage, first.event, first.producer) == (Stage.QUEUED, BatchCreated, "batch-api")
    assert BATCH_PIPELINE.stages[-1] is Stage.DONE
    assert BATCH_PIPELINE.failure is BatchFailed
    assert tuple(Stage) == BATCH_PIPELINE.stages, "every Stage is a row of the table (or done)"
    assert BATCH_PIPELINE.workers == tuple(step.producer for step in BATCH_PIPELINE.steps[1:])
    assert "batch-api" not in BATCH_PIPELINE.workers


def test_the_topic_tuples_are_the_tables_topics() -> None:
    assert tuple(step.topic for step in BATCH_PIPELINE.steps) == PIPELINE_TOPICS[:-1]
    assert PIPELINE_TOPICS[-1] == "batch.failed"
    assert PIPELINE_TOPICS[0] == "batch.created"
    assert BATCH_PIPELINE.topics == PIPELINE_TOPICS
    assert EXPORT_TOPICS == ("clip.export_requested", "clip.exported", "clip.export_failed")
    assert EXPORT_LIFECYCLE.topics == EXPORT_TOPICS


def test_every_topic_maps_to_its_event_and_the_event_unions_hold_the_tables_events() -> None:
    assert list(EVENT_BY_TOPIC) == [*PIPELINE_TOPICS, *EXPORT_TOPICS]
    assert all(kind.model_fields["event_type"].default == topic for topic, kind in EVENT_BY_TOPIC.items())
    assert set(typing.get_args(PipelineEvent)) == set(BATCH_PIPELINE.events.values())
    assert set(typing.get_args(ExportEvent)) == set(EXPORT_LIFECYCLE.events.values())


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lifecycle: lifecycle.name)
def test_each_event_moves_the_subject_to_the_next_rows_stage(lifecycle: Lifecycle[Stage]) -> None:
    for step, after in zip(lifecycle.steps, lifecycle.stages[1:], strict=True):
        assert lifecycle.stage_after(step.event) is after


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lifecycle: lifecycle.name)
def test_each_worker_consumes_the_event_of_the_row_before_its_stage(lifecycle: Lifecycle[Stage]) -> None:
    handoffs = zip(lifecycle.steps, lifecycle.steps[1:], strict=False)
    assert lifecycle.consumers == {step.producer: (before.topic,) for before, step in handoffs}
    assert tuple(lifecycle.consumers) == lifecycle.workers


def test_a_worker_of_two_stages_consumes_both_rows_before_them() -> None:
    lifecycle = Lifecycle(
        "two stages, one worker",
        (
            Step(Stage.QUEUED, BatchCreated, "batch-api", 0.25),
            Step(Stage.WINDOWING, WindowsReady, "both", 0.25),
            Step(Stage.SCORING, ClipsScored, "scoring", 0.25),
            Step(Stage.THUMBNAILS, ThumbnailsDone, "both", 0.25),
        ),
        Stage.DONE,
        BatchFailed,
    )
    assert lifecycle.consumers == {"both": ("batch.created", "clips.scored"), "scoring": ("windows.ready",)}


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lifecycle: lifecycle.name)
def test_a_stalled_subject_waits_for_the_worker_that_consumes_its_stages_input(
    lifecycle: Lifecycle[Stage],
) -> None:
    """What batch-api's stall watch names and re-drives: every open stage has a worker and an input
    topic that worker consumes; the first stage (queued) waits for the first worker."""
    assert lifecycle.open_stages == lifecycle.stages[:-1]
    for stage in lifecycle.open_stages:
        worker = lifecycle.mover(stage).producer
        assert worker in lifecycle.workers
        assert lifecycle.input_topic(stage) in lifecycle.consumers[worker]
    first = lifecycle.steps[0].stage
    assert lifecycle.mover(first) == lifecycle.steps[1]
    assert lifecycle.input_topic(first) == lifecycle.steps[0].topic
    with pytest.raises(KeyError, match="not an open stage"):
        lifecycle.mover(lifecycle.done)


def test_services_are_ordered_as_the_tables_name_their_producers_and_any_other_after_by_name() -> None:
    names = ["zeta", "render", "thumbnail", "alpha", "batch-api"]
    assert sorted(names, key=producer_order) == ["batch-api", "thumbnail", "render", "alpha", "zeta"]


def test_the_failure_event_moves_no_lifecycle_forward() -> None:
    with pytest.raises(KeyError, match="BatchFailed"):
        BATCH_PIPELINE.stage_after(BatchFailed)
    with pytest.raises(KeyError, match="ClipExportFailed"):
        EXPORT_LIFECYCLE.stage_after(ClipExportFailed)


def test_progress_starts_at_zero_grows_with_each_stage_and_ends_at_one() -> None:
    for lifecycle in LIFECYCLES:
        progress = [lifecycle.progress_at(stage) for stage in lifecycle.stages]  # type: ignore[arg-type]
        assert progress[0] == 0.0
        assert progress[-1] == 1.0
        assert progress == sorted(set(progress))
        shares = [step.share for step in lifecycle.steps]
        assert progress == [round(sum(shares[:rank]), 9) for rank in range(len(progress))]


def test_the_export_lifecycle_is_a_second_table_beside_the_batch_pipeline() -> None:
    assert EXPORT_LIFECYCLE.stages == (ExportStatus.QUEUED, ExportStatus.RENDERING, ExportStatus.DONE)
    assert set(ExportStatus) == {*EXPORT_LIFECYCLE.stages, ExportStatus.FAILED}
    assert EXPORT_LIFECYCLE.stage_after(ClipExportRequested) is ExportStatus.RENDERING
    assert EXPORT_LIFECYCLE.stage_after(ClipExported) is ExportStatus.DONE
    assert EXPORT_LIFECYCLE.workers == ("render",)
    assert not set(EXPORT_LIFECYCLE.topics) & set(BATCH_PIPELINE.topics)


def test_a_table_whose_shares_do_not_add_up_or_that_repeats_a_stage_is_refused() -> None:
    with pytest.raises(ValueError, match="add up to 1"):
        Lifecycle("broken", (Step(Stage.QUEUED, BatchCreated, "batch-api", 0.5),), Stage.DONE, BatchFailed)
    with pytest.raises(ValueError, match="a stage appears twice"):
        Lifecycle(
            "broken",
            (Step(Stage.QUEUED, BatchCreated, "a", 0.5), Step(Stage.QUEUED, WindowsReady, "b", 0.5)),
            Stage.DONE,
            BatchFailed,
        )
