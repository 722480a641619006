"""The transcript inside a timeframe: sorted, clipped segments, and the excerpt of any window."""

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from viralclip_contracts import TranscriptSegment

from .timeframe import Span

SEGMENT_JSON_OVERHEAD_BYTES = 96
"""Keys, numbers and punctuation a segment adds to the event beyond its text and speaker."""


@dataclass(frozen=True, slots=True)
class Transcript:
    """Segments that overlap a span, sorted by time, with start/end clipped to the span.

    `segments` keeps the original models (shared, never copied unless clipped); `starts`/`ends`
    are the clipped times; `max_ends[i]` is the latest end among segments 0..i.
    """

    span: Span
    segments: tuple[TranscriptSegment, ...]
    starts: tuple[float, ...]
    ends: tuple[float, ...]
    max_ends: tuple[float, ...]
    size_prefix: tuple[int, ...]

    def excerpt(self, start: float, end: float) -> tuple[TranscriptSegment, ...]:
        """Segments overlapping [start, end), absolute times clipped to it, in time order."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        straddling: list[int] = []
        index = first - 1
        while index >= 0 and self.max_ends[index] > start:
            if self.ends[index] > start:
                straddling.append(index)
            index -= 1
        indices = [*reversed(straddling), *range(first, last)]
        return tuple(self._clipped(i, start, end) for i in indices)

    def estimated_bytes(self, start: float, end: float) -> int:
        """Rough JSON size of the segments starting in [start, end)."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        return self.size_prefix[last] - self.size_prefix[first]

    def speech_intervals(self) -> list[tuple[float, float]]:
        """The union of the (clipped) segments as sorted, disjoint intervals."""
        merged: list[tuple[float, float]] = []
        for seg_start, seg_end in zip(self.starts, self.ends, strict=True):
            if merged and seg_start <= merged[-1][1]:
                if seg_end > merged[-1][1]:
                    merged[-1] = (merged[-1][0], seg_end)
            else:
                merged.append((seg_start, seg_end))
        return merged

    def _clipped(self, index: int, start: float, end: float) -> TranscriptSegment:
        segment = self.segments[index]
        new_start = max(self.starts[index], start)
        new_end = min(self.ends[index], end)
        if new_start == segment.start_sec and new_end == segment.end_sec:
            return segment
        return segment.model_copy(update={"start_sec": new_start, "end_sec": new_end})


def clip_transcript(segments: Iterable[TranscriptSegment], span: Span) -> Transcript:
    """The segments that overlap `span`, sorted; segments ending before they start are dropped."""
    kept = sorted(
        (s for s in segments if s.start_sec <= s.end_sec and _overlaps(s, span)),
        key=lambda s: (s.start_sec, s.end_sec, s.text, s.speaker or ""),
    )
    starts = tuple(max(s.start_sec, span.start) for s in kept)
    ends = tuple(min(s.end_sec, span.end) for s in kept)
    sizes = (
        len(s.text.encode()) + len((s.speaker or "").encode()) + SEGMENT_JSON_OVERHEAD_BYTES for s in kept
    )
    return Transcript(
        span=span,
        segments=tuple(kept),
        starts=starts,
        ends=ends,
        max_ends=tuple(accumulate(ends, max)),
        size_prefix=(0, *accumulate(sizes)),
    )


def _overlaps(segment: TranscriptSegment, span: Span) -> bool:
    return segment.end_sec > span.start and segment.start_sec < span.end
