"""How batch-api's models are stored: pure conversions between MongoDB documents and models.

Documents use `_id` = the natural id. A batch document holds its projected state (the fields of
`BatchState`), a `version` for optimistic concurrency, and its `outbox` of events to publish.
"""

from datetime import UTC, datetime
from typing import Any

from viralclip_contracts import Clip, ClipBatchConfig, Event, Video
from viralclip_runtime import current_trace_headers

from .models import ClipBatchPublic, ClipPublic, VideoPublic, VideoSummaryPublic
from .projection import BatchState
from .settings import API_PREFIX

Document = dict[str, Any]


def utc_now() -> datetime:
    """Now in UTC at millisecond precision, as MongoDB stores it (so answers match what reads return)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


_STATE_FIELDS = tuple(BatchState.model_fields)


def video_document(video: Video, created_at: datetime) -> Document:
    """The `videos` document of a registered video."""
    fields = video.model_dump(mode="json", exclude={"video_id"})
    return {"_id": video.video_id, **fields, "created_at": created_at}


def video_public(doc: Document) -> VideoPublic:
    return VideoPublic.model_validate({**doc, "video_id": doc["_id"]})


def video_summary(doc: Document) -> VideoSummaryPublic:
    return VideoSummaryPublic.model_validate({**doc, "video_id": doc["_id"]})


def outbox_entry(topic: str, event: Event, created_at: datetime) -> Document:
    """A pending event in a batch's outbox; the relay sets `sent_at` once it is published."""
    return {
        "event_id": str(event.event_id),
        "topic": topic,
        "event": event.model_dump(mode="json"),
        "created_at": created_at,
        "sent_at": None,
        "trace_context": current_trace_headers(),
    }


def state_fields(state: BatchState) -> Document:
    """The projected state as top-level document fields."""
    return state.model_dump(mode="json")


def state_from_document(doc: Document) -> BatchState:
    return BatchState.model_validate({name: doc[name] for name in _STATE_FIELDS if name in doc})


def batch_document(
    *,
    batch_id: str,
    video_id: str,
    name: str,
    config: ClipBatchConfig,
    state: BatchState,
    webhook_url: str | None,
    created_at: datetime,
    outbox: list[Document],
    idempotency: Document | None = None,
) -> Document:
    """A new `clip_batches` document: state, configuration and the pending events in one write."""
    doc: Document = {
        "_id": batch_id,
        "video_id": video_id,
        "name": name,
        "config": config.model_dump(mode="json"),
        **state_fields(state),
        "webhook_url": webhook_url,
        "created_at": created_at,
        "updated_at": created_at,
        "stage_started_at": created_at,
        "version": 0,
        "outbox": outbox,
    }
    if idempotency is not None:
        doc["idempotency"] = idempotency
    return doc


def stalled_since(doc: Document) -> datetime | None:
    """When the batch passed its current stage's deadline, while it waits in that stage after a re-drive
    (set by the stall watch); None for a batch on time or ended."""
    stall = doc.get("stall")
    state = state_from_document(doc)
    if not stall or state.is_terminal:
        return None
    if stall.get("job_id") != state.current_job_id or stall.get("stage") != state.stage:
        return None
    since = stall.get("stalled_since")
    return since if isinstance(since, datetime) else None


def stage_started_at(doc: Document) -> datetime:
    """When the batch entered its current stage (older documents: their last update)."""
    started = doc.get("stage_started_at") or doc["updated_at"]
    assert isinstance(started, datetime)
    return started


def batch_public(doc: Document) -> ClipBatchPublic:
    state = state_from_document(doc)
    return ClipBatchPublic(
        batch_id=doc["_id"],
        video_id=doc["video_id"],
        name=doc["name"],
        config=ClipBatchConfig.model_validate(doc["config"]),
        status=state.status,
        stage=state.stage,
        progress=state.progress,
        job_id=state.current_job_id,
        windows_total=state.windows_total,
        windows_failed=state.windows_failed,
        clips_total=state.clips_total,
        thumbnails_failed=state.thumbnails_failed,
        error_message=state.error_message,
        stalled_since=stalled_since(doc),
        webhook_url=doc.get("webhook_url"),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
    )


def clip_from_document(doc: Document) -> Clip:
    return Clip.model_validate({**doc, "clip_id": doc["_id"]})


def thumbnail_url(clip: Clip) -> str | None:
    """Where the API serves the clip's thumbnail, when it has one."""
    return f"{API_PREFIX}/clips/{clip.clip_id}/thumbnail" if clip.thumbnail_path else None


def clip_public(clip: Clip) -> ClipPublic:
    return ClipPublic(**clip.model_dump(), thumbnail_url=thumbnail_url(clip))


def clip_edit_fields(clip: Clip) -> Document:
    """The fields of a clip that batch-api owns and writes on an edit."""
    return clip.model_dump(
        mode="json",
        include={"title", "description", "start_time_sec", "end_time_sec", "duration_sec", "status"},
    )
