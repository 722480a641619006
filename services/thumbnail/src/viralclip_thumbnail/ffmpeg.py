"""Running ffmpeg: where the binary is, the runner port, and probing a video without ffprobe."""

from __future__ import annotations

import asyncio
import re
import shutil
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_LOG_PREFIX = re.compile(r"^(\[[^\]]*@ 0x[0-9a-f]+\] ?)+")


class FfmpegError(Exception):
    """ffmpeg could not do what was asked; the message says what and why."""


class FfmpegTimeout(FfmpegError):
    """ffmpeg ran past its deadline and was killed."""


class ProbeError(FfmpegError):
    """A media file is missing, unreadable or has no video stream; `reason` completes "video file …"."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"video file {path} {reason}")
        self.reason = reason


@dataclass(frozen=True)
class FfmpegResult:
    """Exit status and the standard error of one finished ffmpeg run."""

    returncode: int
    stderr: str

    def reason(self) -> str:
        """ffmpeg's last message (usually the cause), without its log prefix, for error messages."""
        return _last_line(self.stderr)


@dataclass(frozen=True)
class MediaInfo:
    """What a probe tells about a video: its duration and frame size (display pixels)."""

    duration_sec: float
    width: int
    height: int


def locate_ffmpeg(configured: str | None = None) -> str:
    """The ffmpeg to run: `configured` if given, else the system one on PATH, else imageio-ffmpeg's."""
    if configured:
        return configured
    system = shutil.which("ffmpeg")
    if system is not None:
        return system
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


class FfmpegRunner(ABC):
    """Port: runs ffmpeg with arguments (without the executable) and a deadline."""

    @abstractmethod
    async def run(self, args: Sequence[str], *, timeout_sec: float) -> FfmpegResult:
        """Run to completion; raise FfmpegTimeout (after killing it) past `timeout_sec`."""


class SubprocessFfmpegRunner(FfmpegRunner):
    """Runs a real ffmpeg binary as a child process."""

    def __init__(self, executable: str) -> None:
        self.executable = executable

    async def run(self, args: Sequence[str], *, timeout_sec: float) -> FfmpegResult:
        process = await asyncio.create_subprocess_exec(
            self.executable,
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), timeout_sec)
        except TimeoutError:
            raise FfmpegTimeout(f"ffmpeg did not finish within {timeout_sec:g} s and was killed") from None
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert process.returncode is not None
        return FfmpegResult(process.returncode, stderr.decode("utf-8", errors="replace"))


_DURATION = re.compile(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_VIDEO_SIZE = re.compile(r"Stream #\S+.*?: Video: .*?, (\d{2,5})x(\d{2,5})(?:[ ,]|$)(.*)", re.M)
_DISPLAY_ASPECT = re.compile(r"\[SAR (\d+):(\d+) DAR \d+:\d+\]")


def parse_probe_output(path: Path, stderr: str) -> MediaInfo:
    """Read duration and display size from `ffmpeg -i` output; ProbeError says why not."""
    if "No such file or directory" in stderr:
        raise ProbeError(path, "does not exist")
    if "Permission denied" in stderr:
        raise ProbeError(path, "is not readable (permission denied)")
    duration = _DURATION.search(stderr)
    video = _VIDEO_SIZE.search(stderr)
    if duration is None or video is None:
        raise ProbeError(path, f"is not a readable video: {_last_line(stderr)}")
    hours, minutes, seconds = duration.groups()
    width, height = int(video.group(1)), int(video.group(2))
    sar = _DISPLAY_ASPECT.search(video.group(3))
    if sar is not None and int(sar.group(1)) > 0 and int(sar.group(2)) > 0:
        width = round(width * int(sar.group(1)) / int(sar.group(2)))
    return MediaInfo(int(hours) * 3600 + int(minutes) * 60 + float(seconds), width, height)


async def probe_media(runner: FfmpegRunner, path: Path, *, timeout_sec: float) -> MediaInfo:
    """Probe a video with `ffmpeg -i` (no ffprobe needed); ProbeError when it is not usable."""
    result = await runner.run(["-hide_banner", "-nostdin", "-i", str(path)], timeout_sec=timeout_sec)
    return parse_probe_output(path, result.stderr)


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return _LOG_PREFIX.sub("", lines[-1])[:300] if lines else "ffmpeg printed nothing"
