"""Stored records: documents in the shape MongoDB holds, read back equal, shown as the API's models."""

from datetime import UTC, datetime

from opentelemetry.sdk.trace import TracerProvider

from viralclip_batch_api.adapters.repository import clip_edit_fields, to_document
from viralclip_batch_api.api.public import batch_public, clip_public, progress_public
from viralclip_batch_api.core.projection import BatchState, BatchStatus
from viralclip_batch_api.core.records import BatchRecord, Idempotency, OutboxEntry, utc_now
from viralclip_contracts import BatchCreated, Clip, ClipBatchConfig, Grade, Stage
from viralclip_runtime import current_trace_headers

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
EVENT = BatchCreated(
    batch_id="b-1", video_id="v-1", job_id="j-1", producer="batch-api", config=ClipBatchConfig()
)


def _batch(state: BatchState, trace_context: dict[str, str] | None = None) -> BatchRecord:
    return BatchRecord(
        batch_id="b-1",
        video_id="v-1",
        name="first-run",
        config=ClipBatchConfig(),
        **dict(state),
        created_at=NOW,
        updated_at=NOW,
        outbox=(OutboxEntry.of(EVENT, created_at=NOW, trace_context=trace_context or {}),),
    )


def test_a_new_batch_document_holds_its_pending_event_and_its_state() -> None:
    doc = to_document(_batch(BatchState(current_job_id="j-1")))

    assert (doc["_id"], doc["version"], doc["current_job_id"], doc["status"]) == ("b-1", 0, "j-1", "draft")
    assert list(doc["outbox"]) == [  # a tuple is a BSON array too
        {
            "event_id": str(EVENT.event_id),
            "topic": "batch.created",
            "event": EVENT.model_dump(mode="json"),
            "created_at": NOW,
            "sent_at": None,
            "trace_context": {},  # no request span in this test
            "quarantined_at": None,
            "quarantine_error": None,
        }
    ]
    assert BatchRecord.model_validate(doc).state == BatchState(current_job_id="j-1")


def test_a_stored_batch_reads_back_equal_with_its_event_typed() -> None:
    batch = _batch(BatchState(current_job_id="j-1")).model_copy(
        update={"idempotency": Idempotency(fingerprint="f" * 64)}
    )

    again = BatchRecord.model_validate(to_document(batch))

    assert again == batch
    assert isinstance(again.outbox[0].event, BatchCreated)


def test_an_outbox_entry_carries_the_trace_of_the_request_that_wrote_it() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("POST clip-batches") as span:
        entry = _batch(BatchState(current_job_id="j-1"), current_trace_headers()).outbox[0]
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert entry.trace_context["traceparent"].split("-")[1] == trace_id


def test_the_public_batch_shows_state_and_job() -> None:
    state = BatchState(
        current_job_id="j-1", status=BatchStatus.READY, stage=Stage.DONE, progress=1.0, clips_total=7
    )

    public = batch_public(_batch(state))

    assert (public.batch_id, public.job_id, public.status, public.stage, public.clips_total) == (
        "b-1",
        "j-1",
        "ready",
        "done",
        7,
    )
    assert progress_public(_batch(state)).progress == 1.0


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
