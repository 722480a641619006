"""Media files: paths confined to the media root, uploads stored there, durations probed.

Duration comes from ffprobe when the system has it, else from the `Duration:` line that `ffmpeg -i`
prints (the imageio-ffmpeg binary ships no ffprobe). Both run as subprocesses with a timeout.
"""

import asyncio
import contextlib
import re
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath

import imageio_ffmpeg
from starlette.datastructures import UploadFile

from .errors import FieldError

_DURATION = re.compile(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_CHUNK = 1024 * 1024


def resolve_media_path(root: Path, given: str, *, field: str = "media_path") -> tuple[Path, str]:
    """(absolute path, path relative to the root) of an existing file inside `root`."""
    if "\x00" in given:  # the operating system cannot name such a file; resolving it raises
        raise FieldError(field, "must not contain a NUL byte")
    base = root.resolve()
    candidate = Path(given)
    absolute = (candidate if candidate.is_absolute() else base / candidate).resolve()
    if not absolute.is_relative_to(base):
        raise FieldError(field, "must be a path inside the media root")
    if not absolute.is_file():
        raise FieldError(field, f"no file at {absolute.relative_to(base).as_posix()!r} under the media root")
    return absolute, absolute.relative_to(base).as_posix()


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


def parse_ffmpeg_duration(output: str) -> float | None:
    """Seconds from the `Duration: HH:MM:SS.ss` line of ffmpeg's banner, if there is one."""
    match = _DURATION.search(output)
    if match is None:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


async def probe_duration(path: Path, *, timeout_sec: float) -> float | None:
    """The media duration in seconds, or None when it cannot be read."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe:
        args = [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)]
    else:
        args = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=timeout_sec)
    except TimeoutError:
        process.kill()
        await process.wait()
        return None
    if ffprobe:
        text = stdout.decode(errors="replace").strip()
        try:
            seconds = float(text)
        except ValueError:
            return None
    else:
        found = parse_ffmpeg_duration(stderr.decode(errors="replace"))
        if found is None:
            return None
        seconds = found
    return seconds if seconds > 0 else None
