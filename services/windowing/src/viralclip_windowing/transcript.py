"""The transcript inside a timeframe: sorted, clipped segments, and the excerpt of any window."""

import json
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from viralclip_contracts import TranscriptSegment, Word

from .timeframe import Span

WORD_EPSILON = 1e-6
SEGMENT_LIST_SEPARATOR_BYTES = 2
"""The `, ` between two segments of a window's transcript in the event's JSON."""


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
        indices = [*reversed(self._straddling(first, start)), *range(first, last)]
        return tuple(self._clipped(i, start, end) for i in indices)

    def estimated_bytes(self, start: float, end: float) -> int:
        """JSON size in the event of the segments overlapping [start, end), words included (a segment
        clipped at a window edge counts whole)."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        straddling = sum(
            self.size_prefix[i + 1] - self.size_prefix[i] for i in self._straddling(first, start)
        )
        return self.size_prefix[last] - self.size_prefix[first] + straddling

    def _straddling(self, first: int, start: float) -> list[int]:
        """Indices (latest first) of the segments before `first` that reach past `start`."""
        found: list[int] = []
        index = first - 1
        while index >= 0 and self.max_ends[index] > start:
            if self.ends[index] > start:
                found.append(index)
            index -= 1
        return found

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
        update: dict[str, object] = {"start_sec": new_start, "end_sec": new_end}
        if segment.words:
            kept = _words_inside(segment.words, new_start, new_end)
            if len(kept) < len(segment.words):
                update["words"] = kept
                update["text"] = " ".join(word.text for word in kept)
        return segment.model_copy(update=update)


def _words_inside(words: tuple[Word, ...], start: float, end: float) -> tuple[Word, ...]:
    """The words lying inside [start, end]; when a cut falls inside a word longer than a window (a
    long "[Music]" cue), that word clipped to the window."""
    inside = tuple(
        w for w in words if w.start_sec >= start - WORD_EPSILON and w.end_sec <= end + WORD_EPSILON
    )
    if inside:
        return inside
    return tuple(
        w.model_copy(update={"start_sec": max(w.start_sec, start), "end_sec": min(w.end_sec, end)})
        for w in words
        if w.end_sec > start and w.start_sec < end
    )


def clip_transcript(segments: Iterable[TranscriptSegment], span: Span) -> Transcript:
    """The segments that overlap `span`, sorted; segments ending before they start are dropped."""
    kept = sorted(
        (s for s in segments if s.start_sec <= s.end_sec and _overlaps(s, span)),
        key=lambda s: (s.start_sec, s.end_sec, s.text, s.speaker or ""),
    )
    starts = tuple(max(s.start_sec, span.start) for s in kept)
    ends = tuple(min(s.end_sec, span.end) for s in kept)
    sizes = (event_json_bytes(s) + SEGMENT_LIST_SEPARATOR_BYTES for s in kept)
    return Transcript(
        span=span,
        segments=tuple(kept),
        starts=starts,
        ends=ends,
        max_ends=tuple(accumulate(ends, max)),
        size_prefix=(0, *accumulate(sizes)),
    )


def event_json_bytes(segment: TranscriptSegment) -> int:
    """Bytes of `segment` (with its words) in a published event: the runtime publishes
    `model_dump(mode="json")` through `json.dumps`, with its default separators and ASCII escapes."""
    return len(json.dumps(segment.model_dump(mode="json")))


def _overlaps(segment: TranscriptSegment, span: Span) -> bool:
    return segment.end_sec > span.start and segment.start_sec < span.end
