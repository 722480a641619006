"""Stored documents round-trip to the API's models; the outbox and state live in the batch document."""

from datetime import UTC, datetime

from opentelemetry.sdk.trace import TracerProvider

from viralclip_batch_api.documents import (
    batch_document,
    batch_public,
    clip_edit_fields,
    clip_public,
    outbox_entry,
    state_from_document,
    utc_now,
)
from viralclip_batch_api.projection import BatchState, BatchStatus
from viralclip_batch_api.sse import progress_of
from viralclip_contracts import BatchCreated, Clip, ClipBatchConfig, Grade, Stage

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


def _doc(state: BatchState) -> dict[str, object]:
    event = BatchCreated(
        batch_id="b-1", video_id="v-1", job_id="j-1", producer="batch-api", config=ClipBatchConfig()
    )
    return batch_document(
        batch_id="b-1",
        video_id="v-1",
        name="first-run",
        config=ClipBatchConfig(),
        state=state,
        webhook_url=None,
        created_at=NOW,
        outbox=[outbox_entry("batch.created", event, NOW)],
    )


def test_a_new_batch_document_holds_its_pending_event_and_its_state() -> None:
    doc = _doc(BatchState(current_job_id="j-1"))

    assert doc["_id"] == "b-1"
    assert doc["version"] == 0
    assert doc["outbox"] == [
        {
            "event_id": doc["outbox"][0]["event_id"],  # type: ignore[index]
            "topic": "batch.created",
            "event": doc["outbox"][0]["event"],  # type: ignore[index]
            "created_at": NOW,
            "sent_at": None,
            "trace_context": {},  # no request span in this test
        }
    ]
    assert state_from_document(doc) == BatchState(current_job_id="j-1")


def test_an_outbox_entry_carries_the_trace_of_the_request_that_wrote_it() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("POST clip-batches") as span:
        entry = _doc(BatchState(current_job_id="j-1"))["outbox"][0]  # type: ignore[index]
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert entry["trace_context"]["traceparent"].split("-")[1] == trace_id


def test_the_public_batch_shows_state_and_job() -> None:
    state = BatchState(
        current_job_id="j-1", status=BatchStatus.READY, stage=Stage.DONE, progress=1.0, clips_total=7
    )

    public = batch_public(_doc(state))

    assert (public.batch_id, public.job_id, public.status, public.stage, public.clips_total) == (
        "b-1",
        "j-1",
        "ready",
        "done",
        7,
    )
    assert progress_of(_doc(state)).progress == 1.0


def test_a_clip_edit_writes_only_the_fields_batch_api_owns() -> None:
    clip = Clip(
        clip_id="c-1",
        clip_batch_id="b-1",
        video_id="v-1",
        start_time_sec=1,
        end_time_sec=31,
        duration_sec=30,
        title="t",
        description="d",
        viral_score=5,
        grade_hook=Grade.A,
        grade_flow=Grade.A,
        grade_value=Grade.A,
        grade_trend=Grade.A,
        language="en",
        rank=1,
        thumbnail_path="thumbnails/b-1/c-1.jpg",
    )

    assert set(clip_edit_fields(clip)) == {
        "title",
        "description",
        "start_time_sec",
        "end_time_sec",
        "duration_sec",
        "status",
    }
    assert clip_public(clip).thumbnail_url == "/viral-clip/clips/c-1/thumbnail"
    assert clip_public(clip.model_copy(update={"thumbnail_path": None})).thumbnail_url is None


def test_timestamps_have_millisecond_precision_like_mongodb() -> None:
    assert utc_now().microsecond % 1000 == 0
