"""What the API shows of a stored record (pure): the `…Public` model of each."""

from viralclip_contracts import Clip

from ..core.records import BatchRecord, VideoRecord
from ..settings import API_PREFIX
from .models import BatchProgressPublic, ClipBatchPublic, ClipPublic, VideoPublic, VideoSummaryPublic


def video_public(video: VideoRecord) -> VideoPublic:
    return VideoPublic.model_validate(video.model_dump())


def video_summary(video: VideoRecord) -> VideoSummaryPublic:
    """A video in a list: what it is, without its transcript and scenes."""
    return VideoSummaryPublic.model_validate(video.model_dump())


def batch_public(batch: BatchRecord) -> ClipBatchPublic:
    return ClipBatchPublic(
        batch_id=batch.batch_id,
        video_id=batch.video_id,
        name=batch.name,
        config=batch.config,
        status=batch.status,
        stage=batch.stage,
        progress=batch.progress,
        job_id=batch.current_job_id,
        windows_total=batch.windows_total,
        windows_failed=batch.windows_failed,
        clips_total=batch.clips_total,
        thumbnails_failed=batch.thumbnails_failed,
        error_message=batch.error_message,
        stalled_since=batch.stalled_since,
        webhook_url=batch.webhook_url,
        created_at=batch.created_at,
        updated_at=batch.updated_at,
    )


def progress_public(batch: BatchRecord) -> BatchProgressPublic:
    """What one event of the batch's progress stream says: a part of what the batch shows."""
    shown = batch_public(batch).model_dump(include=set(BatchProgressPublic.model_fields))
    return BatchProgressPublic.model_validate(shown)


def thumbnail_url(clip: Clip) -> str | None:
    """Where the API serves the clip's thumbnail, when it has one."""
    return f"{API_PREFIX}/clips/{clip.clip_id}/thumbnail" if clip.thumbnail_path else None


def clip_public(clip: Clip) -> ClipPublic:
    return ClipPublic(**clip.model_dump(), thumbnail_url=thumbnail_url(clip))
