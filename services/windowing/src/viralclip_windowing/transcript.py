"""The transcript inside a timeframe: sorted, clipped segments, and the excerpt of any window."""

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
    sent: tuple[TranscriptSegment, ...]
    """Each segment as a window carries it whole (`_as_sent`)."""
    measured_words: bool
    """Whether excerpts carry the words the recogniser measured (estimated words are never carried)."""
    starts: tuple[float, ...]
    ends: tuple[float, ...]
    max_ends: tuple[float, ...]
    size_prefix: tuple[int, ...]
    """Running sum of the segments' sizes as sent whole (`_as_sent`)."""
    cut_sizes: tuple[int, ...]
    """Each segment's size with all its words, an upper bound of it cut at a window edge."""

    def excerpt(self, start: float, end: float) -> tuple[TranscriptSegment, ...]:
        """Segments overlapping [start, end), absolute times clipped to it, in time order."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        indices = [*reversed(self._straddling(first, start)), *range(first, last)]
        return tuple(self._clipped(i, start, end) for i in indices)

    def estimated_bytes(self, start: float, end: float) -> int:
        """JSON size in the event of the segments overlapping [start, end), never less than the real
        one: a segment a window edge cuts counts whole and with the words it may then carry."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        edges = {*self._straddling(first, start), *self._straddling(last, end)}
        inside = self.size_prefix[last] - self.size_prefix[first]
        return inside + sum(
            self._cut_size(i) - (self._sent_size(i) if first <= i < last else 0) for i in edges
        )

    def _sent_size(self, index: int) -> int:
        return self.size_prefix[index + 1] - self.size_prefix[index]

    def _cut_size(self, index: int) -> int:
        return self.cut_sizes[index] if self.measured_words else self._sent_size(index)

    def _straddling(self, first: int, start: float) -> list[int]:
        """Indices (latest first) of the segments before `first` that reach past `start`."""
        found: list[int] = []
        index = first - 1
        while index >= 0 and self.max_ends[index] > start:
            if self.ends[index] > start:
                found.append(index)
            index -= 1
        return found

    def has_measured_words(self) -> bool:
        """Whether any segment carries words the recogniser measured."""
        return any(not word.estimated for s in self.segments for word in s.words)

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
            return self.sent[index]
        update: dict[str, object] = {"start_sec": new_start, "end_sec": new_end}
        if segment.words:
            kept = _words_inside(segment.words, new_start, new_end)
            if len(kept) < len(segment.words):
                update["words"] = kept if self.measured_words else ()
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


def clip_transcript(
    segments: Iterable[TranscriptSegment], span: Span, *, sized: bool = True, measured_words: bool = True
) -> Transcript:
    """The segments that overlap `span`, sorted; segments ending before they start are dropped.
    Without `sized`, their event sizes are not computed (`estimated_bytes` then answers 0); without
    `measured_words`, excerpts leave out the recogniser's words too (the receiver estimates them)."""
    kept = sorted(
        (s for s in segments if s.start_sec <= s.end_sec and _overlaps(s, span)),
        key=lambda s: (s.start_sec, s.end_sec, s.text, s.speaker or ""),
    )
    starts = tuple(max(s.start_sec, span.start) for s in kept)
    ends = tuple(min(s.end_sec, span.end) for s in kept)
    sent = [_as_sent(s, measured_words) for s in kept] if sized else kept
    sizes = [event_json_bytes(s) + SEGMENT_LIST_SEPARATOR_BYTES if sized else 0 for s in sent]
    cut_sizes = tuple(
        event_json_bytes(s) + SEGMENT_LIST_SEPARATOR_BYTES if sized and s is not as_sent else size
        for s, as_sent, size in zip(kept, sent, sizes, strict=True)
    )
    return Transcript(
        span=span,
        segments=tuple(kept),
        sent=tuple(sent),
        measured_words=measured_words,
        starts=starts,
        ends=ends,
        max_ends=tuple(accumulate(ends, max)),
        size_prefix=(0, *accumulate(sizes)),
        cut_sizes=cut_sizes,
    )


def _as_sent(segment: TranscriptSegment, measured_words: bool = True) -> TranscriptSegment:
    """The segment as a window carries it: without its words when all of them are estimated — the
    receiver re-derives exactly the same ones from text and times (`viralclip_transcripts.with_words`),
    so they cost no bytes in the event — or when measured words are left out to fit the cap."""
    if segment.words and (not measured_words or all(word.estimated for word in segment.words)):
        return segment.model_copy(update={"words": ()})
    return segment


def event_json_bytes(segment: TranscriptSegment) -> int:
    """Bytes of `segment` (with its words) in a published event, never fewer: the runtime publishes
    `model_dump(mode="json")` through `json.dumps`, whose separators add a space after every `:` and
    `,`, and which escapes every non-ASCII character (`\\uXXXX`, twice that beyond the BMP)."""
    compact = segment.model_dump_json()
    size = len(compact) + compact.count(":") + compact.count(",")
    if not compact.isascii():
        size += sum(5 if ord(ch) < 0x10000 else 11 for ch in compact if ord(ch) > 0x7F)
    return size


def _overlaps(segment: TranscriptSegment, span: Span) -> bool:
    return segment.end_sec > span.start and segment.start_sec < span.end
