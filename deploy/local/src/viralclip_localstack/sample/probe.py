"""Inspect media without ffprobe (the pip ffmpeg has none): `ffmpeg -i` for size and duration, raw frames."""

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

_DURATION = re.compile(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_VIDEO_STREAM = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})")
_AUDIO_STREAM = re.compile(r"Stream #\S+.*?: Audio: (\w+)")
_FRAME_RATE = re.compile(r"Stream #\S+.*?: Video: .*?, (\d+(?:\.\d+)?) fps")


class ProbeError(RuntimeError):
    """ffmpeg could not read the media file."""


@dataclass(frozen=True)
class MediaInfo:
    """A media file's first video stream: codec and frame size; duration when the container has one;
    the first audio stream's codec and the video's frame rate when the banner names them."""

    codec: str
    width: int
    height: int
    duration_sec: float | None
    audio_codec: str | None = None
    fps: float | None = None


@dataclass(frozen=True)
class Frame:
    """One decoded frame as packed RGB24 bytes."""

    width: int
    height: int
    rgb: bytes

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        """The (red, green, blue) value at column `x`, row `y`."""
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise ValueError(f"pixel: ({x}, {y}) is outside the {self.width}x{self.height} frame")
        offset = (y * self.width + x) * 3
        red, green, blue = self.rgb[offset : offset + 3]
        return (red, green, blue)


def parse_media_info(ffmpeg_output: str) -> MediaInfo:
    """Read codec, size and duration from the banner `ffmpeg -i FILE` prints on stderr."""
    stream = _VIDEO_STREAM.search(ffmpeg_output)
    if stream is None:
        raise ProbeError("ffmpeg output names no video stream")
    duration = _DURATION.search(ffmpeg_output)
    seconds = None
    if duration is not None:
        hours, minutes, secs = duration.groups()
        seconds = int(hours) * 3600 + int(minutes) * 60 + float(secs)
    audio = _AUDIO_STREAM.search(ffmpeg_output)
    rate = _FRAME_RATE.search(ffmpeg_output)
    return MediaInfo(
        stream.group(1),
        int(stream.group(2)),
        int(stream.group(3)),
        seconds,
        audio_codec=audio.group(1) if audio else None,
        fps=float(rate.group(1)) if rate else None,
    )


async def probe_media(path: Path, *, timeout_sec: float = 30.0) -> MediaInfo:
    """Codec, frame size and duration of the media file at `path`."""
    # Without an output ffmpeg prints the banner and exits 1; the banner is all we need.
    _, stderr = await _ffmpeg(["-hide_banner", "-nostdin", "-i", str(path)], timeout_sec)
    banner = stderr.decode(errors="replace")
    try:
        return parse_media_info(banner)
    except ProbeError:
        raise ProbeError(f"cannot read media at {path}: {banner.strip()[-300:]}") from None


async def read_frame(path: Path, at_sec: float, *, timeout_sec: float = 30.0) -> Frame:
    """The frame shown at `at_sec` seconds (input seeking), decoded to RGB24."""
    info = await probe_media(path, timeout_sec=timeout_sec)
    args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-ss", f"{at_sec:.3f}", "-i", str(path)]
    args += ["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
    stdout, stderr = await _ffmpeg(args, timeout_sec)
    expected = info.width * info.height * 3
    if len(stdout) != expected:
        message = stderr.decode(errors="replace").strip()[-300:]
        raise ProbeError(f"no frame at {at_sec:.3f} s in {path}: {message or 'empty output'}")
    return Frame(info.width, info.height, stdout)


async def _ffmpeg(args: list[str], timeout_sec: float) -> tuple[bytes, bytes]:
    process = await asyncio.create_subprocess_exec(
        imageio_ffmpeg.get_ffmpeg_exe(),
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        return await asyncio.wait_for(process.communicate(), timeout_sec)
    except TimeoutError:
        raise ProbeError(f"ffmpeg did not answer within {timeout_sec:.0f} s") from None
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
