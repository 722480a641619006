"""Registering a video: parse its transcript, place its media under the media root, know its duration."""

import asyncio
import uuid
from collections.abc import Sequence
from pathlib import Path

from starlette.datastructures import UploadFile

from viralclip_contracts import TranscriptSegment
from viralclip_transcripts import with_words

from ..adapters.media import probe_duration, resolve_media_path, staged_upload, upload_path
from ..adapters.repository import Repository
from ..api.models import VideoCreate, VideoPublic
from ..api.public import video_public
from ..core.errors import ConflictError
from ..core.language_detection import resolve_language
from ..core.records import VideoRecord, utc_now
from ..core.transcripts import ImportedTranscript, import_transcript
from ..core.validation import check_given_duration, check_scenes, check_transcript
from ..settings import BatchApiSettings


async def register_video(
    repo: Repository, settings: BatchApiSettings, data: VideoCreate, *, upload: UploadFile | None = None
) -> VideoPublic:
    """Validate and store a video; `upload`, when given, is stored at `data.media_path`'s place."""
    video_id = data.video_id or f"v-{uuid.uuid4().hex[:12]}"
    if await repo.video(video_id) is not None:
        raise ConflictError(f"video {video_id!r} already exists")
    # CPU-bound (~0.3 s for a 10-hour WebVTT file): keep the event loop free for other requests.
    imported = await asyncio.to_thread(_imported, data)
    transcript = imported.segments
    language, language_source = await asyncio.to_thread(
        resolve_language, data.language, imported.language, transcript
    )
    if upload is not None:
        relative = upload_path(video_id, upload.filename)
        target = settings.media_root.resolve() / relative
        async with staged_upload(upload, target, max_bytes=settings.upload_max_bytes) as staged:
            duration = await _checked_duration(data, transcript, staged, settings, field="media")
    else:
        media = resolve_media_path(settings.media_root, data.media_path)
        relative = media.relative
        duration = await _checked_duration(data, transcript, media.absolute, settings, field="media_path")
    video = VideoRecord(
        video_id=video_id,
        title=data.title,
        media_path=relative,
        duration_sec=duration,
        language=language,
        summary=data.summary,
        transcript=transcript,
        scenes=tuple(sorted(data.scenes, key=lambda s: s.start_sec)),
        created_at=utc_now(),
        language_source=language_source,
    )
    if not await repo.insert_video(video):
        raise ConflictError(f"video {video_id!r} already exists")
    return video_public(video)


def _imported(data: VideoCreate) -> ImportedTranscript:
    """The parsed transcript, every segment with words (estimated where the transcript had none)."""
    imported = import_transcript(data.transcript, data.transcript_format)
    return ImportedTranscript(tuple(with_words(s) for s in imported.segments), imported.language)


async def _checked_duration(
    data: VideoCreate,
    transcript: Sequence[TranscriptSegment],
    media: Path,
    settings: BatchApiSettings,
    *,
    field: str,
) -> float:
    """The video's duration, probed from `media` (the file must be a video, and a given `duration_sec`
    must agree with it), with transcript and scenes inside it."""
    duration = await probe_duration(media, timeout_sec=settings.probe_timeout_sec, field=field)
    if data.duration_sec is not None:
        check_given_duration(data.duration_sec, duration)
    check_transcript(transcript, duration)
    check_scenes(data.scenes, duration)
    return duration
