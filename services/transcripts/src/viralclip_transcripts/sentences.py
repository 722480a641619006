"""Sentences of a run of words, by punctuation and by pauses between words (pure).

A sentence ends after a word whose text ends with terminal punctuation (`. ! ? …` and the CJK
forms, optionally followed by a closing quote or bracket), and before a word that starts at least
`pause_sec` after the previous word ended. This is the rule every stage uses: windowing and the
scorer's repair (through `speech_track`, which adds the transcript's cue rules on top) and titles.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from viralclip_contracts import Word

DEFAULT_PAUSE_SEC = 1.0
"""A silence at least this long between two words ends a sentence (unpunctuated captions)."""

_TERMINAL = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s*$")
_TERMINAL_OR_CLOSING = frozenset(".!?…。！？\"'”’»)]")


def ends_sentence(text: str) -> bool:
    """Whether `text` ends with terminal punctuation (a closing quote or bracket may follow)."""
    last = text.rstrip()[-1:]
    if last not in _TERMINAL_OR_CLOSING or not last:
        return False  # the common case, without the regex
    return bool(_TERMINAL.search(text))


@dataclass(frozen=True, slots=True)
class Sentence:
    """Consecutive words that make one sentence."""

    words: tuple[Word, ...]

    @property
    def start_sec(self) -> float:
        return self.words[0].start_sec

    @property
    def end_sec(self) -> float:
        return max(word.end_sec for word in self.words)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def breaks_between(previous_text: str, sentence_end: float, following_start: float, pause_sec: float) -> bool:
    """Whether a sentence ends between the word `previous_text` and a word starting at `following_start`.

    It does after terminal punctuation or before a pause of at least `pause_sec` after `sentence_end`
    (the end of the sentence so far); a word starting before that end (overlapping speech) never breaks.
    """
    if following_start < sentence_end:
        return False
    return ends_sentence(previous_text) or following_start - sentence_end >= pause_sec


def split_sentences(words: Sequence[Word], *, pause_sec: float = DEFAULT_PAUSE_SEC) -> list[Sentence]:
    """`words` (in time order) grouped into sentences by punctuation and pauses ≥ `pause_sec`."""
    sentences: list[list[Word]] = []
    end = 0.0
    for word in words:
        if sentences and not breaks_between(sentences[-1][-1].text, end, word.start_sec, pause_sec):
            sentences[-1].append(word)
            end = max(end, word.end_sec)
        else:
            sentences.append([word])
            end = word.end_sec
    return [Sentence(tuple(group)) for group in sentences]
