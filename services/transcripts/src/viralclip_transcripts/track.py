"""Where a clip may start or end in a transcript: its sentences and its words on one time line (pure).

`speech_track` walks every word of the transcript in time order (a segment's own words, or words
estimated by `estimate.estimated_times` when it has none) and groups them into sentences with the rule
of `sentences.breaks_between` — terminal punctuation, a pause of `pause_sec` — plus the cue rules:
a speaker turn between two segments ends a sentence, and a sentence that would grow past
`max_sentence_sec` (unpunctuated captions) ends at the next cue edge, or at the next word when one
cue alone is that long. Overlapping words (crosstalk) join the current sentence, so sentences are
disjoint and every word lies inside one.

A *sentence boundary* is any instant not strictly inside a sentence (a start, an end, any point of the
silence between two); a *word boundary* any instant not strictly inside a word. Every sentence
boundary is a word boundary. Windowing and the scorer's repair both cut only here.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from viralclip_contracts import TranscriptSegment

from .estimate import estimated_times
from .sentences import DEFAULT_PAUSE_SEC, breaks_between

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
    words = sorted(_timed_words(segments), key=lambda word: word.start)
    starts: list[float] = []
    ends: list[float] = []
    speakers: list[str | None] = []
    first_words: list[int] = []
    last_cue_edge: int | None = None
    for index, word in enumerate(words):
        if starts and word.start < ends[-1]:
            ends[-1] = max(ends[-1], word.end)
            continue
        if not starts or _ends_before(words[index - 1], word, starts[-1], ends[-1], rules):
            starts.append(word.start)
            ends.append(word.end)
            speakers.append(word.speaker)
            first_words.append(index)
            last_cue_edge = None
            continue
        if not word.first_of_cue and word.end - starts[-1] > rules.max_sentence_sec:
            _split_long(words, index, last_cue_edge, starts, ends, speakers, first_words)
            last_cue_edge = None
            continue
        if word.first_of_cue:
            last_cue_edge = index
        ends[-1] = max(ends[-1], word.end)
    return SpeechTrack(
        starts=tuple(starts),
        ends=tuple(ends),
        speakers=tuple(speakers),
        first_words=tuple(first_words),
        word_texts=tuple(word.text for word in words),
        word_starts=tuple(word.start for word in words),
        word_ends=tuple(word.end for word in words),
        _word_max_ends=tuple(accumulate((word.end for word in words), max)),
    )


def _ends_before(
    previous: _TimedWord, word: _TimedWord, sentence_start: float, sentence_end: float, rules: SentenceRules
) -> bool:
    if breaks_between(previous.text, sentence_end, word.start, rules.pause_sec):
        return True
    if not word.first_of_cue:
        return False
    turn = word.speaker is not None and previous.speaker is not None and word.speaker != previous.speaker
    return turn or max(word.cue_end, sentence_end) - sentence_start > rules.max_sentence_sec


def _split_long(
    words: list[_TimedWord],
    index: int,
    cue_edge: int | None,
    starts: list[float],
    ends: list[float],
    speakers: list[str | None],
    first_words: list[int],
) -> None:
    """End the current sentence at its latest cue edge, else just before `words[index]`."""
    split = index
    if cue_edge is not None and cue_edge > first_words[-1]:
        head_end = max(word.end for word in words[first_words[-1] : cue_edge])
        if head_end <= words[cue_edge].start:
            split = cue_edge
    ends[-1] = max(word.end for word in words[first_words[-1] : split])
    starts.append(words[split].start)
    ends.append(max(word.end for word in words[split : index + 1]))
    speakers.append(words[split].speaker)
    first_words.append(split)


def _timed_words(segments: Iterable[TranscriptSegment]) -> list[_TimedWord]:
    timed: list[_TimedWord] = []
    for segment in sorted(segments, key=lambda s: (s.start_sec, s.end_sec)):
        if segment.end_sec < segment.start_sec:
            continue
        if segment.words:
            triples = [(w.text, w.start_sec, w.end_sec) for w in segment.words if w.end_sec >= w.start_sec]
        else:
            triples = estimated_times(segment.text, segment.start_sec, segment.end_sec)
        for position, (text, start, end) in enumerate(triples):
            timed.append(_TimedWord(text, start, end, position == 0, segment.end_sec, segment.speaker))
    return timed
