"""Where windows start and end: a walk over the timeframe using scene cuts and sentence boundaries.

From the timeframe's start, each window ends at the latest scene cut that gives it a duration
inside [minimum, maximum]; when no cut falls there (a scene longer than the range), it ends at the
latest sentence boundary in range instead (or, inside a sentence longer than the range, the latest
word boundary). The next window starts about `stride` seconds after the
previous start (at the latest scene cut between ⅔·stride and stride, else at a sentence boundary),
never after the previous end, so windows overlap and leave no gap. Without a stride, windows follow
each other end to start. The last window ends at the timeframe's end. A timeframe shorter than the
minimum becomes one window. Cost: O(windows · log n).
"""

from bisect import bisect_right
from dataclasses import dataclass

from .sentences import Sentences
from .timeframe import Span

EPS = 1e-9


@dataclass(frozen=True, slots=True)
class _Boundaries:
    cuts: tuple[float, ...]
    sentences: Sentences

    def latest_cut(self, low: float, high: float) -> float | None:
        index = bisect_right(self.cuts, high + EPS) - 1
        if index >= 0 and self.cuts[index] >= low - EPS:
            return self.cuts[index]
        return None

    def latest_boundary(self, low: float, high: float) -> float:
        """A scene cut in [low, high], else the latest sentence boundary there, else the latest word
        boundary there, else `high`."""
        cut = self.latest_cut(low, high)
        if cut is not None:
            return cut
        floor = self.sentences.floor(high)
        if floor >= low - EPS:
            return floor
        # A sentence longer than the range (crosstalk, one huge cue): cut it between two words.
        word = self.sentences.word_floor(high)
        # Only a single word longer than the range (a long "[Music]" cue) leaves no boundary: cut it.
        return word if word >= low - EPS else high

    def next_start(self, start: float, end: float, stride: float | None) -> float:
        if stride is None:
            return end
        high = min(start + stride, end)
        cut = self.latest_cut(start + stride * 2 / 3, high)
        if cut is not None:
            return cut
        floor = self.sentences.floor(high)
        if floor >= start + stride / 2:
            return floor
        return min(self.sentences.ceil(high), end)


def lay_out(
    span: Span,
    cuts: tuple[float, ...],
    sentences: Sentences,
    minimum: float,
    maximum: float,
    stride: float | None,
) -> list[tuple[float, float]]:
    """Sorted, distinct (start, end) pairs of windows over `span` (see the module docstring)."""
    if span.duration < minimum:
        return [(span.start, span.end)]
    if stride is not None and stride <= 0:
        stride = None
    boundaries = _Boundaries(cuts, sentences)
    laid: list[tuple[float, float]] = []
    start = span.start
    while True:
        rest = span.end - start
        if rest <= maximum + EPS:
            if rest < minimum - EPS:
                start = boundaries.latest_boundary(max(span.start, span.end - maximum), span.end - minimum)
            laid.append((start, span.end))
            return sorted(set(laid))
        end = boundaries.latest_boundary(start + minimum, start + maximum)
        laid.append((start, end))
        start = boundaries.next_start(start, end, stride)
