"""One export, start to finish: reuse a finished file, or probe, find faces, write captions, render,
check and rename into place. No database and no broker: the handler supplies the request and reports.

Failures the creator can act on are `RenderFailed` with a message that says what failed and what to do;
anything else is a bug and propagates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from viralclip_contracts import ReframeMode, RenderSettings
from viralclip_media import (
    FfmpegError,
    FfmpegNotStarted,
    FfmpegProgress,
    FfmpegRunner,
    FfmpegTimeout,
    MediaInfo,
    ProbeError,
    last_message,
    probe_media,
)

from .captions import CaptionWord, caption_document, caption_layout, caption_lines
from .face_samples import face_samples_path, load_face_samples, store_face_samples
from .faces import FaceScan, scan_faces
from .facetrack import crop_path
from .fonts import fonts_dir
from .paths import LockTimeout, export_lock, export_relative_path, lock_path, work_dir
from .plan import FRAMED, CaptionFiles, EncoderSettings, RenderPlan, render_args
from .reframe import center_graph, crop_fraction, face_graph, fit_graph
from .sizes import FrameSize, output_size

logger = logging.getLogger(__name__)

END_TOLERANCE_SEC = 0.5
"""A clip may end this much past the probed end of its video (rounding in the transcript); it is cut
at the video's end. Further past, the export fails: the registered video is not the one transcribed."""
FACE_SHARE = 0.15
"""Share of the progress bar the face pass takes, when there is one."""
PROGRESS_EVERY_SEC = 1.0

Progress = Callable[[float], Awaitable[None]]


class RenderFailed(Exception):
    """The export cannot be rendered; the message is for the creator."""


@dataclass(frozen=True)
class RenderRequest:
    """What to render: the clip's range of `source` with `settings`, and its words (clip-relative)."""

    export_id: str
    batch_id: str
    source: Path
    start_sec: float
    end_sec: float
    settings: RenderSettings
    words: tuple[CaptionWord, ...] = ()


@dataclass(frozen=True)
class RenderOptions:
    """How renders run on this worker."""

    media_root: Path
    timeout_sec: float = 480.0
    probe_timeout_sec: float = 30.0
    encoder: EncoderSettings = field(default_factory=EncoderSettings)
    face_scan: FaceScan = field(default_factory=FaceScan)
    fonts: Path = field(default_factory=fonts_dir)
    ffprobe: FfmpegRunner | None = None
    """Probes use ffprobe when the machine has one, else ffmpeg's banner."""


@dataclass(frozen=True)
class RenderedExport:
    """The finished file (`file_path` relative to the media root), as probed; `rendered` is False when
    an existing file was reused."""

    file_path: str
    size_bytes: int
    duration_sec: float
    width: int
    height: int
    rendered: bool


async def render_export(
    request: RenderRequest,
    *,
    runner: FfmpegRunner,
    options: RenderOptions,
    on_progress: Progress | None = None,
    on_render_start: Callable[[], Awaitable[None]] | None = None,
) -> RenderedExport:
    """The export's file: reused when it exists and is whole, else rendered now (see module docstring)."""
    relative = export_relative_path(request.batch_id, request.export_id)
    final = options.media_root / relative
    size = output_size(request.settings.aspect_ratio, request.settings.resolution)
    existing = await _existing(runner, final, relative, size, options)
    if existing is not None:
        return existing
    try:
        async with export_lock(
            lock_path(options.media_root, request.export_id), wait_sec=options.timeout_sec + 30
        ):
            existing = await _existing(runner, final, relative, size, options)
            if existing is not None:
                return existing
            if on_render_start is not None:
                await on_render_start()
            await _render(request, final, size, runner, options, on_progress)
    except OSError as error:
        if isinstance(error, ConnectionError):  # a dependency away: transient, retried by the caller
            raise
        raise RenderFailed(
            f"Rendering failed: the file could not be written under the media root "
            f"({error.strerror or error}). Free some space or fix its permissions, then ask again."
        ) from None
    except LockTimeout:
        raise RenderFailed(
            f"Rendering export {request.export_id} failed: another render of it is still running "
            f"after {options.timeout_sec + 30:g} s. Ask for the export again later."
        ) from None
    try:
        info = await probe_media(
            runner, final, timeout_sec=options.probe_timeout_sec, ffprobe=options.ffprobe
        )
    except FfmpegError as error:
        raise _unchecked(error) from None
    return _finished(relative, final, info, rendered=True)


async def _existing(
    runner: FfmpegRunner, final: Path, relative: str, size: FrameSize, options: RenderOptions
) -> RenderedExport | None:
    if _file_size(final) is None:
        return None
    try:
        info = await probe_media(
            runner, final, timeout_sec=options.probe_timeout_sec, ffprobe=options.ffprobe
        )
    except ProbeError:
        info = None
    except FfmpegError as error:
        raise _unchecked(error) from None
    if info is None or (info.width, info.height) != (size.width, size.height):
        logger.warning("an unusable export file is replaced", extra={"path": relative})
        _remove(final)
        return None
    return _finished(relative, final, info, rendered=False)


async def _render(
    request: RenderRequest,
    final: Path,
    size: FrameSize,
    runner: FfmpegRunner,
    options: RenderOptions,
    on_progress: Progress | None,
) -> None:
    scratch = work_dir(options.media_root, request.export_id)
    shutil.rmtree(scratch, ignore_errors=True)  # what a crashed attempt left
    scratch.mkdir(parents=True)
    deadline = time.monotonic() + options.timeout_sec
    try:
        source = await _probe_source(runner, request, options)
        end = min(request.end_sec, source.duration_sec)
        duration = end - request.start_sec
        face = request.settings.reframe is ReframeMode.FACE
        reporter = _Reporter(on_progress, offset=FACE_SHARE if face else 0.0, duration=duration)
        graph = await _frame_graph(request, source, size, duration, runner, deadline, options)
        if face:
            await reporter.report(FACE_SHARE)
        plan = RenderPlan(
            source=request.source,
            start_sec=request.start_sec,
            duration_sec=duration,
            graph=graph,
            output=scratch / f"{request.export_id}.part.mp4",
            source_has_audio=source.has_audio,
            captions=_captions(request, size, scratch, options) if request.settings.captions else None,
            loudness_normalize=request.settings.loudness_normalize,
            encoder=options.encoder,
        )
        await reporter.run(runner, plan, _remaining(deadline, options))
        await _check_output(runner, plan, size, source, options)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(plan.output, final)
        await reporter.report(1.0)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


async def _probe_source(runner: FfmpegRunner, request: RenderRequest, options: RenderOptions) -> MediaInfo:
    try:
        info = await probe_media(
            runner, request.source, timeout_sec=options.probe_timeout_sec, ffprobe=options.ffprobe
        )
    except ProbeError as error:
        raise RenderFailed(
            f"Rendering failed: the source video {error.reason}. "
            "Upload or register the video again, then ask for the export again."
        ) from None
    except FfmpegError as error:
        raise RenderFailed(f"Rendering failed while reading the source video: {error}.") from None
    if request.start_sec >= info.duration_sec:
        raise RenderFailed(
            f"Rendering failed: the clip starts at {_clock(request.start_sec)}, but the source video "
            f"ends at {_clock(info.duration_sec)}. Re-register the right video or edit the clip."
        )
    if request.end_sec > info.duration_sec + END_TOLERANCE_SEC:
        raise RenderFailed(
            f"Rendering failed: the source video ends at {_clock(info.duration_sec)}, before the clip's "
            f"end at {_clock(request.end_sec)}. Re-register the right video or shorten the clip."
        )
    return info


async def _frame_graph(
    request: RenderRequest,
    source: MediaInfo,
    size: FrameSize,
    duration: float,
    runner: FfmpegRunner,
    deadline: float,
    options: RenderOptions,
) -> str:
    aspect = request.settings.aspect_ratio
    mode = request.settings.reframe
    if mode is ReframeMode.CENTER:
        return center_graph(aspect, size, FRAMED)
    source_size = FrameSize(source.width, source.height)
    if mode is ReframeMode.FIT:
        return fit_graph(aspect, size, source_size, FRAMED)
    kept = face_samples_path(
        options.media_root, request.batch_id, request.source, request.start_sec, duration, options.face_scan
    )
    samples = load_face_samples(kept)
    reused = samples is not None
    if samples is None:
        try:
            samples = await scan_faces(
                runner,
                request.source,
                source_size,
                request.start_sec,
                duration,
                timeout_sec=_remaining(deadline, options),
                scan=options.face_scan,
            )
        except FfmpegTimeout:
            raise _timed_out(options) from None
        except FfmpegError as error:
            raise RenderFailed(f"Rendering failed while looking for faces: {error}.") from None
        store_face_samples(kept, samples)
    path = crop_path(samples, crop_fraction(source_size, aspect))
    found = sum(sample.x is not None for sample in samples)
    logger.info("face pass done", extra={"samples": len(samples), "with_face": found, "reused": reused})
    return face_graph(aspect, size, path, FRAMED)


def _captions(request: RenderRequest, size: FrameSize, scratch: Path, options: RenderOptions) -> CaptionFiles:
    aspect = request.settings.aspect_ratio
    lines = caption_lines(request.words, max_chars=caption_layout(size, aspect).max_chars)
    subtitles = scratch / "captions.ass"
    caption_document(lines, size, aspect).save(str(subtitles), encoding="utf-8")
    return CaptionFiles(subtitles, options.fonts)


class _Reporter:
    """Turns ffmpeg's progress reports into 0–1 progress, passed on at most once a second."""

    def __init__(self, on_progress: Progress | None, *, offset: float, duration: float) -> None:
        self.on_progress = on_progress
        self.offset = offset
        self.duration = duration
        self.latest = offset
        self.sent = -1.0

    async def report(self, value: float) -> None:
        if self.on_progress is not None and value > self.sent:
            self.sent = value
            await self.on_progress(round(value, 3))

    def record(self, progress: FfmpegProgress) -> None:
        if progress.out_time_sec is not None and self.duration > 0:
            share = min(1.0, progress.out_time_sec / self.duration)
            self.latest = self.offset + (1 - self.offset) * share

    async def run(self, runner: FfmpegRunner, plan: RenderPlan, timeout_sec: float) -> None:
        render = asyncio.ensure_future(
            runner.run(render_args(plan), timeout_sec=timeout_sec, on_progress=self.record)
        )
        try:
            while not render.done():
                await asyncio.wait({render}, timeout=PROGRESS_EVERY_SEC)
                if not render.done():
                    await self.report(self.latest)
            result = render.result()
        except FfmpegTimeout:
            raise _timed_out_plain(timeout_sec) from None
        except FfmpegNotStarted as error:
            raise RenderFailed(f"Rendering failed: {error}. The worker's ffmpeg is missing.") from None
        finally:
            if not render.done():
                render.cancel()
                with contextlib.suppress(asyncio.CancelledError, FfmpegError):
                    await render
        if result.returncode != 0:
            raise RenderFailed(
                f"Rendering failed: ffmpeg stopped with exit code {result.returncode}: "
                f"{summarise_ffmpeg_error(result.stderr)}. Check that the video plays, or try other settings."
            )


async def _check_output(
    runner: FfmpegRunner, plan: RenderPlan, size: FrameSize, source: MediaInfo, options: RenderOptions
) -> None:
    try:
        info = await probe_media(
            runner, plan.output, timeout_sec=options.probe_timeout_sec, ffprobe=options.ffprobe
        )
    except ProbeError as error:
        raise RenderFailed(f"Rendering failed: ffmpeg wrote no playable file ({error.reason}).") from None
    except FfmpegError as error:
        raise _unchecked(error) from None
    frame = 1 / source.frame_rate if source.frame_rate else 0.1
    if (info.width, info.height) != (size.width, size.height):
        raise RenderFailed(f"Rendering failed: ffmpeg wrote {info.width}x{info.height}, not {size}.")
    if abs(info.duration_sec - plan.duration_sec) > frame + 0.05:
        raise RenderFailed(
            f"Rendering failed: the file lasts {info.duration_sec:.2f} s instead of "
            f"{plan.duration_sec:.2f} s. Check that the video plays to the clip's end."
        )


def _unchecked(error: FfmpegError) -> RenderFailed:
    return RenderFailed(
        f"Rendering failed: the rendered file could not be checked ({error}). Ask for the export again."
    )


def _finished(relative: str, final: Path, info: MediaInfo, *, rendered: bool) -> RenderedExport:
    size = _file_size(final) or 0
    return RenderedExport(relative, size, info.duration_sec, info.width, info.height, rendered)


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


GENERIC_FFMPEG_LINES = (
    "Conversion failed",
    "Task finished with error code",
    "Terminating thread with return code",
    "Error sending frames to consumers",
    "Nothing was written into output file",
    "Error while filtering",
    "Error marking filters as finished",
    "Could not open encoder before EOF",
)
"""Lines ffmpeg prints after the real cause, as a consequence of it."""


def summarise_ffmpeg_error(stderr: str, limit: int = 300) -> str:
    """ffmpeg's first two distinct messages that are not consequences of the first: usually the cause."""
    messages: list[str] = []
    for line in stderr.splitlines():
        message = last_message(line).rstrip(".")
        if not line.strip() or message in messages or message.startswith(GENERIC_FFMPEG_LINES):
            continue
        messages.append(message)
    text = "; ".join(messages[:2]) or last_message(stderr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _remaining(deadline: float, options: RenderOptions) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _timed_out(options)
    return left


def _timed_out(options: RenderOptions) -> RenderFailed:
    return _timed_out_plain(options.timeout_sec)


def _timed_out_plain(timeout_sec: float) -> RenderFailed:
    return RenderFailed(
        f"Rendering took longer than {timeout_sec:g} s and was stopped. "
        "Try the 720 preset, the center reframe or a shorter clip."
    )


def _clock(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:05.2f}"
