"""Sentences of the transcript, and where a window may start or end without cutting one.

A sentence is a run of consecutive segments. A segment ends its sentence when its text ends with
terminal punctuation, when the next segment starts after a pause or with another speaker, or when
the sentence would otherwise grow past `max_sentence_sec` (unpunctuated captions). Overlapping
segments always join the current sentence. A *sentence boundary* is any instant not strictly inside
a sentence: a sentence's start or end, or any point of the silence between two sentences.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass

from .rules import WindowingRules
from .transcript import Transcript

_TERMINAL = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s*$")


@dataclass(frozen=True, slots=True)
class Sentences:
    """Sorted, disjoint sentences as parallel arrays (start, end, first speaker)."""

    starts: tuple[float, ...]
    ends: tuple[float, ...]
    speakers: tuple[str | None, ...]

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


def group_sentences(transcript: Transcript, rules: WindowingRules) -> Sentences:
    """Group the transcript's segments into sentences (see the module docstring for the rules)."""
    starts: list[float] = []
    ends: list[float] = []
    speakers: list[str | None] = []
    previous_ended = True
    previous_speaker: str | None = None
    for segment, seg_start, seg_end in zip(
        transcript.segments, transcript.starts, transcript.ends, strict=True
    ):
        if not starts or _starts_sentence(
            seg_start, seg_end, starts[-1], ends[-1], previous_ended, previous_speaker, segment.speaker, rules
        ):
            starts.append(seg_start)
            ends.append(seg_end)
            speakers.append(segment.speaker)
        elif seg_end > ends[-1]:
            ends[-1] = seg_end
        previous_ended = bool(_TERMINAL.search(segment.text))
        previous_speaker = segment.speaker
    return Sentences(tuple(starts), tuple(ends), tuple(speakers))


def _starts_sentence(
    seg_start: float,
    seg_end: float,
    sentence_start: float,
    sentence_end: float,
    previous_ended: bool,
    previous_speaker: str | None,
    speaker: str | None,
    rules: WindowingRules,
) -> bool:
    if seg_start < sentence_end:
        return False
    turn = speaker is not None and previous_speaker is not None and speaker != previous_speaker
    return (
        previous_ended
        or turn
        or seg_start - sentence_end >= rules.sentence_pause_sec
        or max(seg_end, sentence_end) - sentence_start > rules.max_sentence_sec
    )
