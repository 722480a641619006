"""clip.export_requested → the clip's MP4 → clip.exported (or clip.export_failed with the reason).

The handler loads the video (its media path and the clip's words), renders through `render_export`
(which reuses a finished file, so a re-delivery renders nothing) and announces the file. Every failure
the creator can act on becomes `clip.export_failed`; the worker goes on with the next export.
Outgoing event ids derive from the request's event id, so a re-delivered request announces the same event.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from viralclip_contracts import ClipExported, ClipExportFailed, ClipExportRequested, Event
from viralclip_media import FfmpegRunner, MediaPathError, resolve_media_path
from viralclip_runtime import TRANSIENT_ERRORS, InvalidVideoRecord, derived_event_id

from .captions import clip_words
from .paths import UnsafeId, export_relative_path
from .render import RenderedExport, RenderFailed, RenderOptions, RenderRequest, render_export
from .repository import RenderRepository

PRODUCER = "render"
logger = logging.getLogger(__name__)

Publish = Callable[[Event], Awaitable[None]]


async def handle_export_requested(
    event: ClipExportRequested,
    *,
    repository: RenderRepository,
    runner: FfmpegRunner,
    publish: Publish,
    options: RenderOptions,
) -> None:
    """Render (or reuse) the export's file and publish clip.exported, or clip.export_failed."""
    try:
        request = await _request(event, repository, options.media_root)
        rendered = await render_export(
            request,
            runner=runner,
            options=options,
            on_progress=lambda progress: _progress(repository, event.export_id, progress),
            on_render_start=lambda: repository.record_render_start(event.export_id, datetime.now(UTC)),
        )
    except RenderFailed as error:
        logger.warning("export failed", extra={"export_id": event.export_id, "reason": str(error)})
        await publish(export_failed(event, str(error)))
        return
    logger.info(
        "export ready",
        extra={"export_id": event.export_id, "rendered": rendered.rendered, "path": rendered.file_path},
    )
    await publish(exported(event, rendered))


def exported(event: ClipExportRequested, file: RenderedExport) -> ClipExported:
    """The clip.exported answer to `event` (the same id on every re-delivery)."""
    return ClipExported(
        **_envelope(event, "clip.exported"),
        export_id=event.export_id,
        clip_id=event.clip_id,
        file_path=file.file_path,
        size_bytes=file.size_bytes,
        duration_sec=file.duration_sec,
        width=file.width,
        height=file.height,
    )


def export_failed(event: ClipExportRequested, message: str) -> ClipExportFailed:
    """The clip.export_failed answer to `event` (the same id on every re-delivery)."""
    return ClipExportFailed(
        **_envelope(event, "clip.export_failed"),
        export_id=event.export_id,
        clip_id=event.clip_id,
        error_message=message,
    )


def unexpected_failure(event: ClipExportRequested, error: Exception) -> ClipExportFailed:
    """What the creator reads when the render failed on a bug rather than on their input."""
    return export_failed(
        event,
        f"Rendering failed unexpectedly ({type(error).__name__}); the request was parked on the "
        "dead-letter topic. Ask for the export again.",
    )


def _envelope(event: ClipExportRequested, event_type: str) -> dict[str, object]:
    return {
        "event_id": derived_event_id(f"{event.export_id}/{event.event_id}", event_type),
        "batch_id": event.batch_id,
        "video_id": event.video_id,
        "job_id": event.job_id,
        "producer": PRODUCER,
    }


async def _request(
    event: ClipExportRequested, repository: RenderRepository, media_root: Path
) -> RenderRequest:
    if event.end_sec <= event.start_sec:
        raise RenderFailed(
            f"Rendering failed: the clip's range {event.start_sec:.2f}–{event.end_sec:.2f} s is empty. "
            "Edit the clip so that it ends after it starts."
        )
    try:
        video = await repository.load_video(event.video_id)
    except InvalidVideoRecord as error:
        raise RenderFailed(f"Rendering failed: {error}") from None
    if video is None:
        raise RenderFailed(
            f"Rendering failed: video {event.video_id} is not registered. "
            "Register the video again, then ask for the export again."
        )
    try:
        source = resolve_media_path(media_root, video.media_path, must_be_file=True).absolute
    except MediaPathError as error:
        raise RenderFailed(
            f"Rendering failed: the source video of {event.video_id} is missing ({error}). "
            "Upload the video again or fix its media path, then ask for the export again."
        ) from None
    words = clip_words(video.transcript, event.start_sec, event.end_sec) if event.settings.captions else []
    if event.settings.captions and not words:
        logger.warning("captions asked for, but the clip has no timed words", extra={"clip": event.clip_id})
    try:
        export_relative_path(event.batch_id, event.export_id)
    except UnsafeId as error:
        raise RenderFailed(f"Rendering failed: {error}.") from None
    return RenderRequest(
        export_id=event.export_id,
        batch_id=event.batch_id,
        source=source,
        start_sec=event.start_sec,
        end_sec=event.end_sec,
        settings=event.settings,
        words=tuple(words),
    )


async def _progress(repository: RenderRepository, export_id: str, progress: float) -> None:
    """Progress is shown, not relied on: a database hiccup must not fail (and so redo) the render."""
    try:
        await repository.record_progress(export_id, progress)
    except TRANSIENT_ERRORS as error:
        logger.warning("progress not recorded", extra={"export_id": export_id, "error": repr(error)})
