"""Captions: words into short lines and back-to-back events (pure), then burned by libass (pixels)."""

import itertools
import subprocess
from pathlib import Path

import numpy as np
import pysubs2
import pytest

from viralclip_contracts import AspectRatio, TranscriptSegment, Word
from viralclip_render.captions import (
    HIGHLIGHT_COLOUR,
    CaptionLine,
    CaptionWord,
    caption_document,
    caption_events,
    caption_layout,
    caption_lines,
    clip_words,
)
from viralclip_render.fonts import fonts_dir
from viralclip_render.plan import filter_value
from viralclip_render.sizes import FrameSize
from viralclip_testkit.media import ffmpeg_executable

PORTRAIT = FrameSize(1080, 1920)
GREY = 96


def timed(text: str, start: float = 0.0, step: float = 0.4) -> list[CaptionWord]:
    return [
        CaptionWord(word, start + i * step, start + i * step + step * 0.8)
        for i, word in enumerate(text.split())
    ]


def test_clip_words_are_timed_from_the_clip_start_and_kept_inside_it() -> None:
    words = (
        Word(text="before", start_sec=9.0, end_sec=9.6),
        Word(text="edge", start_sec=9.8, end_sec=10.3),
        Word(text="inside", start_sec=11.0, end_sec=11.5),
        Word(text="{\\b1}odd", start_sec=12.0, end_sec=12.4),
        Word(text="tail", start_sec=14.8, end_sec=15.4),
        Word(text="after", start_sec=15.5, end_sec=16.0),
    )
    segment = TranscriptSegment(start_sec=9.0, end_sec=16.0, text="…", words=words)

    got = clip_words([segment], 10.0, 15.0)

    assert [(w.text, round(w.start, 2), round(w.end, 2)) for w in got] == [
        ("edge", 0.0, 0.3),
        ("inside", 1.0, 1.5),
        ("(/b1)odd", 2.0, 2.4),  # no override tag can be smuggled in
        ("tail", 4.8, 5.0),
    ]


def test_lines_are_short_and_end_at_sentences_and_pauses() -> None:
    words = [
        *timed("Why the Moon? Because it is the closest place to learn how to live"),
        CaptionWord("there.", 9.0, 9.4),
    ]

    lines = caption_lines(words, max_chars=17)

    assert [line.text for line in lines] == [
        "Why the Moon?",
        "Because it is the",
        "closest place to",
        "learn how to live",
        "there.",  # after a pause
    ]
    assert all(len(line.text) <= 17 and len(line.words) <= 4 for line in lines)


def test_events_run_back_to_back_one_active_word_each() -> None:
    lines = caption_lines(timed("one two three four five six"), max_chars=30, max_words=3)

    events = caption_events(lines)

    assert [(e.line.text, e.active) for e in events] == [
        ("one two three", 0), ("one two three", 1), ("one two three", 2),
        ("four five six", 0), ("four five six", 1), ("four five six", 2),
    ]  # fmt: skip
    assert all(a.end_cs <= b.start_cs for a, b in itertools.pairwise(events))
    assert all(a.end_cs == b.start_cs for a, b in itertools.pairwise(events[:3]))
    assert events[0].start_cs == 0
    assert events[2].end_cs == round(lines[0].end * 100)


def test_overlapping_word_times_never_make_overlapping_events() -> None:
    words = [CaptionWord("a", 0.0, 1.0), CaptionWord("b", 0.5, 0.9), CaptionWord("c", 0.95, 1.2)]
    events = caption_events([CaptionLine(tuple(words))])

    assert all(e.end_cs > e.start_cs for e in events)
    assert all(a.end_cs <= b.start_cs for a, b in itertools.pairwise(events))


def test_the_document_is_at_the_output_resolution_with_the_active_word_coloured() -> None:
    document = caption_document(caption_lines(timed("one two"), max_chars=20), PORTRAIT, AspectRatio.PORTRAIT)

    assert (document.info["PlayResX"], document.info["PlayResY"]) == ("1080", "1920")
    assert [event.text for event in document] == [
        "{\\c&H00DDFF&}one{\\r} two",
        "one {\\c&H00DDFF&}two{\\r}",
    ]
    style = document.styles["Caption"]
    assert style.fontname == "DejaVu Sans"
    assert style.marginv == round(0.24 * 1920)


# --- burned by libass -----------------------------------------------------------------------------


def burn(document: pysubs2.SSAFile, size: FrameSize, at_sec: float, tmp_path: Path) -> np.ndarray:
    """The frame at `at_sec` of a grey clip with `document` burned in, as an RGB array (rows, cols, 3)."""
    subtitles = tmp_path / "captions.ass"
    document.save(str(subtitles), encoding="utf-8")
    graph = (
        f"color=c=0x{GREY:02x}{GREY:02x}{GREY:02x}:s={size}:r=10:d={at_sec + 0.5},"
        f"ass=filename={filter_value(str(subtitles))}:fontsdir={filter_value(str(fonts_dir()))}"
    )
    command = [
        ffmpeg_executable(),
        *("-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i", graph),
        *("-ss", f"{at_sec:.2f}", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"),
    ]
    result = subprocess.run(command, check=True, capture_output=True, timeout=60)
    return np.frombuffer(result.stdout, dtype=np.uint8).reshape(size.height, size.width, 3)


def ink(frame: np.ndarray) -> np.ndarray:
    """Pixels that are not the grey background (text, outline, highlight)."""
    return np.abs(frame.astype(int) - GREY).max(axis=2) > 40


def highlight(frame: np.ndarray) -> np.ndarray:
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    hr, hg, hb = HIGHLIGHT_COLOUR
    return (abs(r - hr) < 40) & (abs(g - hg) < 40) & (abs(b - hb) < 60)


def test_captions_sit_in_the_safe_area_above_the_bottom_ui(tmp_path: Path) -> None:
    lines = caption_lines(timed("Moon base one", start=1.0), max_chars=17)
    frame = burn(caption_document(lines, PORTRAIT, AspectRatio.PORTRAIT), PORTRAIT, 1.5, tmp_path)
    layout = caption_layout(PORTRAIT, AspectRatio.PORTRAIT)
    bottom = PORTRAIT.height - layout.margin_bottom
    rows = np.flatnonzero(ink(frame).any(axis=1))

    assert rows.size > 0, "no caption was drawn"
    assert rows.max() <= bottom + layout.outline + 2, "caption reaches into the platforms' bottom UI"
    assert rows.min() >= bottom - 2 * layout.font_size, "caption is more than one short line"
    columns = np.flatnonzero(ink(frame).any(axis=0))
    assert columns.min() >= layout.margin_side
    assert columns.max() <= PORTRAIT.width - layout.margin_side


def test_nothing_is_drawn_before_the_first_word(tmp_path: Path) -> None:
    lines = caption_lines(timed("Moon base one", start=1.0), max_chars=17)
    frame = burn(caption_document(lines, PORTRAIT, AspectRatio.PORTRAIT), PORTRAIT, 0.5, tmp_path)

    assert not ink(frame).any()


def test_the_active_word_wears_the_highlight_and_moves_along_the_line(tmp_path: Path) -> None:
    lines = caption_lines(timed("one two three", start=0.0, step=1.0), max_chars=20)
    document = caption_document(lines, PORTRAIT, AspectRatio.PORTRAIT)

    centres = []
    for at in (0.5, 1.5, 2.5):
        mask = highlight(burn(document, PORTRAIT, at, tmp_path))
        assert mask.sum() > 200, f"no highlighted word at {at} s"
        centres.append(np.flatnonzero(mask.any(axis=0)).mean())
    assert centres[0] < PORTRAIT.width / 2 - 100 < centres[1] < PORTRAIT.width / 2 + 100 < centres[2]


def glyph_mask(text: str, tmp_path: Path) -> np.ndarray:
    size = FrameSize(480, 480)
    words = [CaptionWord(text, 0.0, 2.0)]
    frame = burn(caption_document([CaptionLine(tuple(words))], size, AspectRatio.SQUARE), size, 1.0, tmp_path)
    mask = ink(frame)
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    assert rows.size > 0, f"{text!r} drew nothing"
    return mask[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]


@pytest.mark.parametrize("pair", [("Ж", "П"), ("Щ", "Ы"), ("Я", "Д")])
def test_cyrillic_letters_render_as_their_own_glyphs_not_boxes(pair: tuple[str, str], tmp_path: Path) -> None:
    first, second = (glyph_mask(letter, tmp_path) for letter in pair)
    missing = glyph_mask("\U000f0000", tmp_path)  # a private-use code point no font has: the tofu box

    for mask in (first, second):
        assert mask.shape != missing.shape or _overlap(mask, missing) < 0.8
    assert first.shape != second.shape or _overlap(first, second) < 0.8


def test_a_cyrillic_caption_shapes_a_whole_word(tmp_path: Path) -> None:
    word = glyph_mask("Привет", tmp_path)
    letters = [glyph_mask(letter, tmp_path) for letter in "Привет"]

    assert word.shape[1] >= 0.8 * sum(letter.shape[1] for letter in letters)
    assert len({letter.tobytes() for letter in letters}) == 6  # six distinct shapes


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two ink masks cropped to the same size."""
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:h, :w], b[:h, :w]
    return float((a & b).sum() / max(1, (a | b).sum()))
