"""next_event: what a stage emits in answer to an event keeps its batch, video and job, with a stable id."""

import pytest
from pydantic import ValidationError

from viralclip_contracts import BatchCreated, BatchFailed, ClipBatchConfig, Event, Stage, WindowsReady
from viralclip_runtime import derived_event_id, next_event


def batch_created(job_id: str = "j-1") -> BatchCreated:
    return BatchCreated(
        batch_id="b-1", video_id="v-1", job_id=job_id, producer="batch-api", config=ClipBatchConfig()
    )


def test_the_event_carries_the_cause_s_batch_video_and_job_and_its_own_payload() -> None:
    cause = batch_created()

    failed = next_event(cause, BatchFailed, producer="windowing", stage=Stage.WINDOWING, error_message="no")

    assert isinstance(failed, BatchFailed)
    assert (failed.batch_id, failed.video_id, failed.job_id) == ("b-1", "v-1", "j-1")
    assert (failed.event_type, failed.producer) == ("batch.failed", "windowing")
    assert (failed.stage, failed.error_message) == (Stage.WINDOWING, "no")
    assert failed.event_id == derived_event_id("j-1", "batch.failed")


def test_a_redelivered_cause_yields_the_same_event_id() -> None:
    first, again = batch_created(), batch_created()  # same job, another event id and time
    assert first.event_id != again.event_id

    ready = [
        next_event(cause, WindowsReady, producer="windowing", config=cause.config, language="en", windows=())
        for cause in (first, again)
    ]

    assert ready[0].event_id == ready[1].event_id


def test_another_job_or_another_event_type_gets_another_id() -> None:
    def failed(cause: BatchCreated) -> BatchFailed:
        return next_event(cause, BatchFailed, producer="windowing", stage=Stage.WINDOWING, error_message="x")

    ready = next_event(
        batch_created(),
        WindowsReady,
        producer="windowing",
        config=ClipBatchConfig(),
        language="en",
        windows=(),
    )

    ids = {failed(batch_created("j-1")).event_id, failed(batch_created("j-2")).event_id, ready.event_id}
    assert len(ids) == 3


def test_the_payload_is_validated_like_the_event_itself() -> None:
    with pytest.raises(ValidationError, match="error_message"):
        next_event(batch_created(), BatchFailed, producer="windowing", stage=Stage.WINDOWING)


def test_a_kind_without_a_fixed_event_type_is_refused() -> None:
    with pytest.raises(TypeError, match="Event has no fixed event_type"):
        next_event(batch_created(), Event, producer="windowing")
