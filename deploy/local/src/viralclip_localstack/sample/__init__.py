"""The bundled sample podcast: timed transcript and scenes (pure) and its generated video (ffmpeg)."""

from .bundled import SAMPLE_STEM, SAMPLE_TITLE, SAMPLE_VIDEO_ID, sample_turns, sample_video
from .timing import TimedTranscript, TimingOptions, build_video, time_transcript
from .turns import Turn, parse_turns

__all__ = [
    "SAMPLE_STEM",
    "SAMPLE_TITLE",
    "SAMPLE_VIDEO_ID",
    "TimedTranscript",
    "TimingOptions",
    "Turn",
    "build_video",
    "parse_turns",
    "sample_turns",
    "sample_video",
    "time_transcript",
]
