"""The part of the video a batch asks for, resolved against the video's duration."""

from dataclasses import dataclass

from viralclip_contracts import ProcessingTimeframe

from .errors import TimeframeOutsideVideo


@dataclass(frozen=True, slots=True)
class Span:
    """A closed stretch of the video, in seconds from its start."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def resolve_timeframe(video_duration_sec: float, timeframe: ProcessingTimeframe) -> Span:
    """The timeframe with an open or too-late end clamped to the video's end.

    Raises `TimeframeOutsideVideo` when the timeframe starts at or after the end of the video.
    """
    end = video_duration_sec if timeframe.end_sec is None else timeframe.end_sec
    end = min(end, video_duration_sec)
    if timeframe.start_sec >= end:
        raise TimeframeOutsideVideo(
            f"The processing timeframe starts at {format_clock(timeframe.start_sec)}, but the video "
            f"is only {format_clock(video_duration_sec)} long. Choose a start before the end of "
            "the video."
        )
    return Span(timeframe.start_sec, end)


def format_clock(seconds: float) -> str:
    """`seconds` as a clock a creator reads: `4:05`, `1:02:03`."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
