"""Where a clip may start or end in a transcript: its sentences and its words on one time line (pure).

`speech_track` walks every word of the transcript in time order (a segment's own words, or words
estimated by `estimate.estimated_times` when it has none) and groups them into sentences with the rule
of `sentences.breaks_between` — terminal punctuation, a pause of `pause_sec` — plus a speaker turn
between two segments. A sentence longer than `max_sentence_sec` (unpunctuated captions) is then cut
into pieces no longer than that: at the latest cue edge before the word that would overflow, else at
that word. Overlapping words (crosstalk) join the current sentence and are never split apart, so
sentences are disjoint and every word lies inside one.

A *sentence boundary* is any instant not strictly inside a sentence (a start, an end, any point of the
silence between two); a *word boundary* any instant not strictly inside a word. Every sentence
boundary is a word boundary. Windowing and the scorer's repair both cut only here.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate, pairwise

from viralclip_contracts import TranscriptSegment

from .estimate import estimated_times
from .sentences import DEFAULT_PAUSE_SEC, breaks_between, ends_sentence

DEFAULT_MAX_SENTENCE_SEC = 15.0


@dataclass(frozen=True, slots=True)
class SentenceRules:
    """How words are grouped into sentences; the defaults are what the docs describe."""

    pause_sec: float = DEFAULT_PAUSE_SEC
    """A silence at least this long between two words ends a sentence."""
    max_sentence_sec: float = DEFAULT_MAX_SENTENCE_SEC
    """Unpunctuated speech is cut into sentences about this long at most (at cue edges first)."""


DEFAULT_SENTENCE_RULES = SentenceRules()


@dataclass(frozen=True, slots=True)
class _TimedWord:
    text: str
    start: float
    end: float
    first_of_cue: bool
    cue_end: float
    speaker: str | None


@dataclass(frozen=True, slots=True)
class SpeechTrack:
    """Sorted, disjoint sentences and the sorted words they are made of, with boundary queries."""

    starts: tuple[float, ...]
    """Sentence starts (the start of each sentence's first word)."""
    ends: tuple[float, ...]
    """Sentence ends (the latest end among each sentence's words)."""
    speakers: tuple[str | None, ...]
    """The speaker of each sentence's first word."""
    first_words: tuple[int, ...]
    """Index into `word_texts` of each sentence's first word; the last is at the next one's − 1."""
    word_texts: tuple[str, ...]
    word_starts: tuple[float, ...]
    word_ends: tuple[float, ...]
    _word_max_ends: tuple[float, ...]

    def containing(self, t: float) -> int | None:
        """Index of the sentence that has `t` strictly inside it, if any."""
        index = bisect_right(self.starts, t) - 1
        if index >= 0 and self.starts[index] < t < self.ends[index]:
            return index
        return None

    def floor(self, t: float) -> float:
        """The latest sentence boundary at or before `t`."""
        index = self.containing(t)
        return t if index is None else self.starts[index]

    def ceil(self, t: float) -> float:
        """The earliest sentence boundary at or after `t`."""
        index = self.containing(t)
        return t if index is None else self.ends[index]

    def snap(self, t: float, tolerance: float) -> float | None:
        """`t` itself when it is a sentence boundary, else the nearer edge of its sentence when
        that is within `tolerance` (the start on a tie), else None."""
        index = self.containing(t)
        if index is None:
            return t
        before, after = t - self.starts[index], self.ends[index] - t
        if min(before, after) > tolerance:
            return None
        return self.starts[index] if before <= after else self.ends[index]

    def inside_word(self, t: float) -> bool:
        """Whether `t` lies strictly inside a word."""
        index = bisect_left(self.word_starts, t) - 1
        return index >= 0 and self._word_max_ends[index] > t

    def word_floor(self, t: float) -> float:
        """The latest word boundary at or before `t`."""
        while self.inside_word(t):
            index = bisect_left(self.word_starts, t) - 1
            earliest = t
            while index >= 0 and self._word_max_ends[index] > t:
                if self.word_ends[index] > t:
                    earliest = self.word_starts[index]
                index -= 1
            t = earliest
        return t

    def word_ceil(self, t: float) -> float:
        """The earliest word boundary at or after `t`."""
        while self.inside_word(t):
            index = bisect_left(self.word_starts, t) - 1
            latest = t
            while index >= 0 and self._word_max_ends[index] > t:
                latest = max(latest, self.word_ends[index])
                index -= 1
            t = latest
        return t

    def inward(self, start: float, end: float) -> tuple[float, float]:
        """[start, end] with edges moved inward to whole sentences (a cut sentence is left out),
        else, when no whole sentence lies inside, to whole words, else unchanged."""
        low, high = self.ceil(start), self.floor(end)
        if low < high and (self.within(low, high) or not self._has_words_in(start, end)):
            return low, high
        low, high = self.word_ceil(start), self.word_floor(end)
        if low < high:
            return low, high
        return start, end

    def _has_words_in(self, start: float, end: float) -> bool:
        first = bisect_left(self.word_starts, start)
        return (first < len(self.word_starts) and self.word_starts[first] < end) or self.inside_word(start)

    def within(self, low: float, high: float, epsilon: float = 0.0) -> range:
        """Indices of the sentences lying wholly inside [low − ε, high + ε]."""
        first = bisect_left(self.starts, low - epsilon)
        last = first
        while last < len(self.starts) and self.ends[last] <= high + epsilon:
            last += 1
        return range(first, last)

    def text(self, index: int) -> str:
        """The words of sentence `index` joined by spaces."""
        last = self.first_words[index + 1] if index + 1 < len(self.first_words) else len(self.word_texts)
        return " ".join(self.word_texts[self.first_words[index] : last])


def speech_track(
    segments: Iterable[TranscriptSegment], rules: SentenceRules = DEFAULT_SENTENCE_RULES
) -> SpeechTrack:
    """The sentences and words of `segments` (any order; those ending before they start are ignored)."""
    words = sorted(_timed_words(segments, rules), key=lambda word: word.start)
    firsts = [
        piece
        for group in _sentence_groups(words, rules)
        for piece in _pieces(words, group, rules.max_sentence_sec)
    ]
    bounds = [*firsts, len(words)]
    return SpeechTrack(
        starts=tuple(words[first].start for first in firsts),
        ends=tuple(max(word.end for word in words[first:last]) for first, last in pairwise(bounds)),
        speakers=tuple(words[first].speaker for first in firsts),
        first_words=tuple(firsts),
        word_texts=tuple(word.text for word in words),
        word_starts=tuple(word.start for word in words),
        word_ends=tuple(word.end for word in words),
        _word_max_ends=tuple(accumulate((word.end for word in words), max)),
    )


def _sentence_groups(words: list[_TimedWord], rules: SentenceRules) -> list[range]:
    """Runs of words ended by punctuation, a pause or a speaker turn at a cue edge; overlapping words join."""
    firsts: list[int] = []
    end = 0.0
    for index, word in enumerate(words):
        if not firsts or (word.start >= end and _breaks(words[index - 1], word, end, rules)):
            firsts.append(index)
            end = word.end
        else:
            end = max(end, word.end)
    bounds = [*firsts, len(words)]
    return [range(first, last) for first, last in pairwise(bounds)]


def _breaks(previous: _TimedWord, word: _TimedWord, sentence_end: float, rules: SentenceRules) -> bool:
    if breaks_between(previous.text, sentence_end, word.start, rules.pause_sec):
        return True
    return (
        word.first_of_cue
        and word.speaker is not None
        and previous.speaker is not None
        and word.speaker != previous.speaker
    )


def _pieces(words: list[_TimedWord], group: range, max_sec: float) -> list[int]:
    """First word of each piece of a sentence cut to at most `max_sec` (unpunctuated speech): at the
    latest cue edge before the word that overflows, else at that word; never between overlapping words."""
    firsts = [group.start]
    piece_start = words[group.start].start
    running_end = words[group.start].end
    edge: int | None = None
    for index in group[1:]:
        word = words[index]
        clean = running_end <= word.start
        if clean and word.first_of_cue:
            edge = index
        if word.end - piece_start > max_sec:
            split = edge if edge is not None else index if clean else None
            if split is not None:
                firsts.append(split)
                piece_start = words[split].start
                edge = None
        running_end = max(running_end, word.end)
    return firsts


def _timed_words(segments: Iterable[TranscriptSegment], rules: SentenceRules) -> list[_TimedWord]:
    """Every word in segment order; a cue with no sentence end inside it (no inner terminal punctuation,
    no inner pause of `pause_sec`) and no longer than `max_sentence_sec` comes as one unit spanning its
    words — no sentence boundary can fall inside it, and a tenth of the units keeps long transcripts fast."""
    timed: list[_TimedWord] = []
    for segment in sorted(segments, key=lambda s: (s.start_sec, s.end_sec)):
        if segment.end_sec < segment.start_sec:
            continue
        unit = _as_unit(segment, rules)
        if unit is not None:
            timed.append(_TimedWord(unit[0], unit[1], unit[2], True, segment.end_sec, segment.speaker))
            continue
        if segment.words:
            triples = [(w.text, w.start_sec, w.end_sec) for w in segment.words if w.end_sec >= w.start_sec]
        else:
            triples = estimated_times(segment.text, segment.start_sec, segment.end_sec)
        for position, (text, start, end) in enumerate(triples):
            timed.append(_TimedWord(text, start, end, position == 0, segment.end_sec, segment.speaker))
    return timed


def _as_unit(segment: TranscriptSegment, rules: SentenceRules) -> tuple[str, float, float] | None:
    """(text, start, end) of the segment's words as one unit, or None when a sentence may end inside it."""
    if segment.end_sec - segment.start_sec > rules.max_sentence_sec:
        return None
    if not segment.words:
        tokens = segment.text.split()
        if not tokens or any(ends_sentence(token) for token in tokens[:-1]):
            return None
        return " ".join(tokens), segment.start_sec, segment.end_sec
    words = segment.words
    end = words[0].end_sec
    for previous, word in pairwise(words):
        if word.end_sec < word.start_sec or breaks_between(
            previous.text, end, word.start_sec, rules.pause_sec
        ):
            return None
        end = max(end, word.end_sec)
    if words[0].end_sec < words[0].start_sec or end - words[0].start_sec > rules.max_sentence_sec:
        return None
    return " ".join(word.text for word in words), words[0].start_sec, end
