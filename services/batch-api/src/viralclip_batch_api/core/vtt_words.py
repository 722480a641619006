"""Words of WebVTT cues written with inline timestamps (YouTube's auto-captions, karaoke files).

A line such as `so<00:00:00.240><c> we</c><00:00:00.560><c> went</c>` gives one word per timestamp:
the text before the first timestamp starts at the cue's start, each later piece at its timestamp, and
each piece ends where the next begins (the last at the cue's end). A piece holding several words is
spread over its time by the estimation rule (and marked `estimated`). Timestamps are kept inside the
cue. YouTube repeats the previous line at the top of each cue (roll-up) and adds 10-ms cues that only
repeat text: a line without timestamps that repeats the line emitted before it is left out.
"""

import re
from dataclasses import dataclass

from viralclip_contracts import Word
from viralclip_transcripts import estimated_times

_STAMP = re.compile(r"<((?:\d+:)?\d{2}:\d{2}\.\d{3})>")
_TAG = re.compile(r"<[^>]*>")


def has_inline_timestamps(raw_text: str) -> bool:
    """Whether a cue's raw text carries `<00:00:01.000>` word timestamps."""
    return bool(_STAMP.search(raw_text))


def plain(line: str) -> str:
    """A cue line without its tags and timestamps, whitespace collapsed."""
    return " ".join(_TAG.sub("", line).split())


@dataclass(frozen=True)
class CueLine:
    """One emitted line of a cue: its text and, when it had timestamps, its words."""

    text: str
    words: tuple[Word, ...]


def cue_lines(raw_text: str, start: float, end: float, previous: str | None) -> list[CueLine]:
    """The lines of one cue worth keeping, in order; `previous` is the text of the line emitted last."""
    lines: list[CueLine] = []
    for raw in raw_text.splitlines():
        text = plain(raw)
        if not text:
            continue
        if has_inline_timestamps(raw):
            lines.append(CueLine(text, _timed_words(raw, start, end)))
        elif text != previous:
            lines.append(CueLine(text, ()))
        else:
            continue
        previous = text
    return lines


def _timed_words(raw: str, start: float, end: float) -> tuple[Word, ...]:
    parts = _STAMP.split(raw)  # text, stamp, text, stamp, text, …
    pieces = [(start, parts[0])]
    for index in range(1, len(parts), 2):
        at = min(max(_seconds(parts[index]), pieces[-1][0]), end)
        pieces.append((at, parts[index + 1]))
    words: list[Word] = []
    for number, (piece_start, text) in enumerate(pieces):
        piece_end = pieces[number + 1][0] if number + 1 < len(pieces) else end
        timed = estimated_times(plain(text), piece_start, piece_end)
        words.extend(
            Word(text=word, start_sec=word_start, end_sec=word_end, estimated=len(timed) > 1)
            for word, word_start, word_end in timed
        )
    return tuple(words)


def _seconds(stamp: str) -> float:
    *rest, seconds = stamp.split(":")
    hours, minutes = (0, int(rest[0])) if len(rest) == 1 else (int(rest[0]), int(rest[1]))
    return hours * 3600 + minutes * 60 + float(seconds)
