"""Word-by-word captions as an ASS document at the output resolution (pure: pysubs2 objects, no I/O).

The clip's words (real or estimated, from the transcript) are re-timed relative to the clip and grouped
into short lines: a line ends at a sentence end, at a pause, or before it would pass `max_words` words or
the characters that fit the frame's width. Each line is shown from its first word's start to its last
word's end as a run of back-to-back events, one per word, in which that word (the active one) has the
highlight colour. Lines sit bottom-centre, lifted into the safe area above the platforms' own bottom UI
(caption, buttons, progress bar): a quarter of the height on 9:16, less on wider frames.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pysubs2

from viralclip_contracts import AspectRatio, TranscriptSegment

from .sizes import FrameSize

FONT_NAME = "DejaVu Sans"
"""The family of the font shipped in `assets/fonts` (DejaVu Sans Bold; Latin, Greek, Cyrillic, …)."""
TEXT_COLOUR = (255, 255, 255)
HIGHLIGHT_COLOUR = (255, 221, 0)
OUTLINE_COLOUR = (0, 0, 0)
STYLE = "Caption"
MAX_WORDS = 4
MAX_GAP_SEC = 0.6
"""A pause longer than this ends the line."""
SENTENCE_ENDS = (".", "?", "!", "…", "。", "？", "！")
BOTTOM_SAFE_SHARE: dict[AspectRatio, float] = {
    AspectRatio.PORTRAIT: 0.24,
    AspectRatio.FEED: 0.18,
    AspectRatio.SQUARE: 0.14,
    AspectRatio.LANDSCAPE: 0.10,
}
"""Share of the frame's height kept free of captions at the bottom (platform UI lives there)."""
SIDE_SAFE_SHARE = 0.10
FONT_SHARE = 0.075
"""Font size as a share of the frame's short side (81 px at 1080)."""
CHAR_WIDTH_EM = 0.62
"""Mean advance of the bold font's characters, in ems, to estimate how many fit a line."""


@dataclass(frozen=True)
class CaptionWord:
    """A word with its time in seconds from the clip's start."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class CaptionLine:
    """Words shown together."""

    words: tuple[CaptionWord, ...]

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True)
class CaptionLayout:
    """Where and how big captions are on a frame."""

    font_size: int
    outline: int
    margin_bottom: int
    margin_side: int
    max_chars: int


def caption_layout(size: FrameSize, aspect: AspectRatio) -> CaptionLayout:
    """Font size, outline and margins for `size`; `max_chars` is what fits between the side margins."""
    font_size = max(12, round(FONT_SHARE * min(size.width, size.height)))
    margin_side = round(SIDE_SAFE_SHARE * size.width)
    usable = size.width - 2 * margin_side
    return CaptionLayout(
        font_size=font_size,
        outline=max(1, round(font_size * 0.07)),
        margin_bottom=round(BOTTOM_SAFE_SHARE[aspect] * size.height),
        margin_side=margin_side,
        max_chars=max(8, min(32, math.floor(usable / (CHAR_WIDTH_EM * font_size)))),
    )


def clip_words(
    transcript: Sequence[TranscriptSegment], start_sec: float, end_sec: float
) -> list[CaptionWord]:
    """The words spoken inside [start_sec, end_sec), timed from the clip's start and kept inside it."""
    duration = end_sec - start_sec
    words: list[CaptionWord] = []
    for segment in transcript:
        for word in segment.words:
            text = _plain(word.text)
            if not text or word.end_sec <= start_sec or word.start_sec >= end_sec:
                continue
            start = max(0.0, word.start_sec - start_sec)
            end = min(duration, max(word.end_sec - start_sec, start))
            words.append(CaptionWord(text, start, end))
    words.sort(key=lambda word: word.start)
    return words


def caption_lines(
    words: Sequence[CaptionWord],
    *,
    max_chars: int,
    max_words: int = MAX_WORDS,
    max_gap_sec: float = MAX_GAP_SEC,
) -> list[CaptionLine]:
    """Group words into short lines (see the module docstring for where a line ends)."""
    lines: list[CaptionLine] = []
    current: list[CaptionWord] = []
    for word in words:
        if current and _ends_line(current, word, max_chars, max_words, max_gap_sec):
            lines.append(CaptionLine(tuple(current)))
            current = []
        current.append(word)
    if current:
        lines.append(CaptionLine(tuple(current)))
    return lines


def _ends_line(
    current: Sequence[CaptionWord], word: CaptionWord, max_chars: int, max_words: int, max_gap: float
) -> bool:
    previous = current[-1]
    length = sum(len(w.text) for w in current) + len(current) + len(word.text)
    return (
        len(current) >= max_words
        or length > max_chars
        or word.start - previous.end > max_gap
        or previous.text.endswith(SENTENCE_ENDS)
    )


@dataclass(frozen=True)
class CaptionEvent:
    """One subtitle event: the line with one word highlighted, from `start` to `end` (centiseconds)."""

    start_cs: int
    end_cs: int
    line: CaptionLine
    active: int


def caption_events(lines: Sequence[CaptionLine]) -> list[CaptionEvent]:
    """Per line, one event per word, back to back: word k is active from its start to word k+1's start
    (the last one to the line's end). Times are rounded to ASS's centiseconds so events never overlap."""
    events: list[CaptionEvent] = []
    for line in lines:
        bounds = [_cs(word.start) for word in line.words] + [_cs(line.end)]
        bounds = [max(bounds[: i + 1]) for i in range(len(bounds))]
        if events:
            bounds[0] = max(bounds[0], events[-1].end_cs)
        for index in range(len(line.words)):
            start, end = max(bounds[index], bounds[0]), bounds[index + 1]
            if end > start:
                events.append(CaptionEvent(start, end, line, index))
    return events


def caption_document(lines: Sequence[CaptionLine], size: FrameSize, aspect: AspectRatio) -> pysubs2.SSAFile:
    """The ASS document: one style at the output resolution, the events of `caption_events`."""
    layout = caption_layout(size, aspect)
    document = pysubs2.SSAFile()
    document.info.update(
        {
            "PlayResX": str(size.width),
            "PlayResY": str(size.height),
            "WrapStyle": "0",
            "ScaledBorderAndShadow": "yes",
        }
    )
    document.styles = {
        STYLE: pysubs2.SSAStyle(
            fontname=FONT_NAME,
            fontsize=layout.font_size,
            bold=True,
            primarycolor=pysubs2.Color(*TEXT_COLOUR),
            outlinecolor=pysubs2.Color(*OUTLINE_COLOUR),
            backcolor=pysubs2.Color(0, 0, 0, 128),
            outline=layout.outline,
            shadow=0,
            alignment=pysubs2.Alignment.BOTTOM_CENTER,
            marginl=layout.margin_side,
            marginr=layout.margin_side,
            marginv=layout.margin_bottom,
        )
    }
    for event in caption_events(lines):
        document.append(
            pysubs2.SSAEvent(
                start=event.start_cs * 10, end=event.end_cs * 10, style=STYLE, text=_highlighted(event)
            )
        )
    return document


def _highlighted(event: CaptionEvent) -> str:
    r, g, b = HIGHLIGHT_COLOUR
    colour = f"&H{b:02X}{g:02X}{r:02X}&"
    return " ".join(
        f"{{\\c{colour}}}{word.text}{{\\r}}" if index == event.active else word.text
        for index, word in enumerate(event.line.words)
    )


def _plain(text: str) -> str:
    """A word as text libass shows literally: no override braces, no backslash escapes."""
    return text.strip().replace("{", "(").replace("}", ")").replace("\\", "/")


def _cs(seconds: float) -> int:
    return round(seconds * 100)
