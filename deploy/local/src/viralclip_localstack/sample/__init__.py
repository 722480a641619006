"""The bundled sample podcast: timed transcript and scenes (pure) and its generated video (ffmpeg)."""

from .bundled import SAMPLE_STEM, SAMPLE_TITLE, SAMPLE_VIDEO_ID, sample_turns, sample_video
from .files import SampleFiles, write_sample
from .timing import TimedTranscript, TimingOptions, build_video, time_transcript
from .turns import Turn, parse_turns
from .video import SampleVideoError, default_fonts_dir, render_video

__all__ = [
    "SAMPLE_STEM",
    "SAMPLE_TITLE",
    "SAMPLE_VIDEO_ID",
    "SampleFiles",
    "SampleVideoError",
    "TimedTranscript",
    "TimingOptions",
    "Turn",
    "build_video",
    "default_fonts_dir",
    "parse_turns",
    "render_video",
    "sample_turns",
    "sample_video",
    "time_transcript",
    "write_sample",
]
