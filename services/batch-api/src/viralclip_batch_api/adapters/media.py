"""Media files: registered paths confined to the media root, uploads stored there, durations probed.

The path guard and the probe are `viralclip_media`'s (ffprobe when the system has it, else the banner
of `ffmpeg -i`); this module turns their refusals into field errors of the API.
"""

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath

from starlette.datastructures import UploadFile

from viralclip_media import (
    FfmpegError,
    MediaPath,
    MediaPathError,
    ProbeError,
    ffmpeg_runner,
    ffprobe_runner,
    probe_media,
)
from viralclip_media import resolve_media_path as resolve_in_media_root

from ..core.errors import FieldError

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_CHUNK = 1024 * 1024


def resolve_media_path(root: Path, given: str, *, field: str = "media_path") -> MediaPath:
    """The existing file `given` names inside `root`; a FieldError on `field` when there is none."""
    try:
        return resolve_in_media_root(root, given, field=field, must_be_file=True)
    except MediaPathError as error:
        raise FieldError(error.field, error.reason) from None


def upload_path(video_id: str, filename: str | None) -> str:
    """Where an uploaded file of `video_id` is stored, relative to the media root."""
    name = _SAFE_NAME.sub("_", PurePosixPath(filename or "media").name).strip("._") or "media"
    return f"uploads/{video_id}/{name}"


@contextlib.asynccontextmanager
async def staged_upload(
    upload: UploadFile, target: Path, *, max_bytes: int, field: str = "media"
) -> AsyncIterator[Path]:
    """Copy an uploaded file beside `target` under a name of its own and yield that path; it becomes
    `target` when the block succeeds and is removed when it raises (a refused registration leaves no
    file). The staged name keeps the extension, so ffmpeg can probe it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{uuid.uuid4().hex}.{target.name}")
    try:
        await _copy_upload(upload, staged, max_bytes=max_bytes, field=field)
        yield staged
        staged.replace(target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()


async def _copy_upload(upload: UploadFile, dest: Path, *, max_bytes: int, field: str) -> None:
    written = 0
    with dest.open("wb") as out:
        while chunk := await upload.read(_CHUNK):
            written += len(chunk)
            if written > max_bytes:
                raise FieldError(field, f"larger than the limit of {max_bytes} bytes")
            await asyncio.to_thread(out.write, chunk)
    if written == 0:
        raise FieldError(field, "the uploaded file is empty")


async def probe_duration(path: Path, *, timeout_sec: float, field: str = "media_path") -> float:
    """The media duration in seconds; a FieldError on `field` (the media) saying why it cannot be read."""
    try:
        info = await probe_media(ffmpeg_runner(), path, timeout_sec=timeout_sec, ffprobe=ffprobe_runner())
    except ProbeError as error:  # its reason names no server path
        raise FieldError(field, f"the file {error.reason}; register a video file") from None
    except FfmpegError as error:
        raise FieldError(field, f"the file could not be probed ({error}); try again") from None
    if info.duration_sec <= 0:
        raise FieldError(field, "the file's video has no duration; register a video file")
    return info.duration_sec
