"""Where the ffmpeg and ffprobe binaries are: configured, else the system's, else imageio-ffmpeg's."""

from __future__ import annotations

import shutil

from .runner import SubprocessFfmpegRunner


def locate_ffmpeg(configured: str | None = None) -> str:
    """The ffmpeg to run: `configured` if given, else the system one on PATH, else imageio-ffmpeg's."""
    if configured:
        return configured
    system = shutil.which("ffmpeg")
    if system is not None:
        return system
    import imageio_ffmpeg  # imported late: its import looks for the binary on disk

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def locate_ffprobe(configured: str | None = None) -> str | None:
    """The ffprobe to run: `configured` if given, else the system one on PATH, else None.

    The imageio-ffmpeg wheel ships no ffprobe; without one, probing reads `ffmpeg -i`'s banner.
    """
    if configured:
        return configured
    return shutil.which("ffprobe")


def ffmpeg_runner(configured: str | None = None) -> SubprocessFfmpegRunner:
    """A runner for the ffmpeg `locate_ffmpeg` finds."""
    return SubprocessFfmpegRunner(locate_ffmpeg(configured))


def ffprobe_runner(configured: str | None = None) -> SubprocessFfmpegRunner | None:
    """A runner for the ffprobe `locate_ffprobe` finds, or None (then probing reads ffmpeg's banner)."""
    executable = locate_ffprobe(configured)
    return SubprocessFfmpegRunner(executable, name="ffprobe") if executable is not None else None
