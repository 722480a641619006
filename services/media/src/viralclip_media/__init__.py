"""viralclip-media: the one place that runs ffmpeg — locator, runner with deadlines, probing, path guard,
and in-process still frames (PyAV)."""

from .locate import ffmpeg_runner, ffprobe_runner, locate_ffmpeg, locate_ffprobe
from .paths import MediaPath, MediaPathError, resolve_media_path
from .probe import MediaInfo, ProbeError, parse_ffmpeg_banner, parse_ffprobe_json, probe_media
from .runner import (
    FfmpegError,
    FfmpegFailed,
    FfmpegNotStarted,
    FfmpegProgress,
    FfmpegResult,
    FfmpegRunner,
    FfmpegTimeout,
    ProgressCallback,
    SubprocessFfmpegRunner,
    last_message,
    parse_progress,
)
from .stills import (
    JPEG_QSCALE,
    PyAvStillMaker,
    StillFailed,
    StillMaker,
    StillRequest,
    StillResult,
    StillsUnavailable,
)

__all__ = [
    "JPEG_QSCALE",
    "FfmpegError",
    "FfmpegFailed",
    "FfmpegNotStarted",
    "FfmpegProgress",
    "FfmpegResult",
    "FfmpegRunner",
    "FfmpegTimeout",
    "MediaInfo",
    "MediaPath",
    "MediaPathError",
    "ProbeError",
    "ProgressCallback",
    "PyAvStillMaker",
    "StillFailed",
    "StillMaker",
    "StillRequest",
    "StillResult",
    "StillsUnavailable",
    "SubprocessFfmpegRunner",
    "ffmpeg_runner",
    "ffprobe_runner",
    "last_message",
    "locate_ffmpeg",
    "locate_ffprobe",
    "parse_ffmpeg_banner",
    "parse_ffprobe_json",
    "parse_progress",
    "probe_media",
    "resolve_media_path",
]
