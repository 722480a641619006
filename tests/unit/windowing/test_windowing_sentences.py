"""Sentence grouping and the boundary queries windows are cut with."""

from viralclip_contracts import TranscriptSegment
from viralclip_windowing.rules import DEFAULT_RULES
from viralclip_windowing.sentences import Sentences, group_sentences
from viralclip_windowing.timeframe import Span
from viralclip_windowing.transcript import clip_transcript


def _sentences(*segments: tuple[float, float, str, str | None]) -> Sentences:
    parsed = [TranscriptSegment(start_sec=a, end_sec=b, text=t, speaker=s) for a, b, t, s in segments]
    return group_sentences(clip_transcript(parsed, Span(0.0, 1000.0)), DEFAULT_RULES)


def test_terminal_punctuation_ends_a_sentence_and_a_comma_does_not() -> None:
    sentences = _sentences(
        (0.0, 2.0, "Why the Moon,", None),
        (2.1, 4.0, "and why now?", None),
        (4.1, 6.0, "Because “it is close.”", None),
        (6.1, 8.0, "Really", None),
    )
    assert list(zip(sentences.starts, sentences.ends, strict=True)) == [(0.0, 4.0), (4.1, 6.0), (6.1, 8.0)]


def test_a_pause_or_a_speaker_turn_ends_a_sentence() -> None:
    sentences = _sentences(
        (0.0, 2.0, "we went", "A"),
        (3.5, 5.0, "to the moon", "A"),
        (5.1, 7.0, "and back", "B"),
    )
    assert sentences.starts == (0.0, 3.5, 5.1)
    assert sentences.speakers == ("A", "A", "B")


def test_unpunctuated_captions_are_cut_into_sentences_of_at_most_15_seconds() -> None:
    captions = [(i * 2.0, i * 2.0 + 1.9, "and so on and so forth", None) for i in range(60)]
    sentences = _sentences(*captions)
    lengths = [b - a for a, b in zip(sentences.starts, sentences.ends, strict=True)]
    assert max(lengths) <= DEFAULT_RULES.max_sentence_sec
    assert len(sentences.starts) >= 120 / DEFAULT_RULES.max_sentence_sec


def test_overlapping_segments_join_the_current_sentence() -> None:
    sentences = _sentences((0.0, 4.0, "Yes.", "A"), (3.0, 5.0, "No.", "B"), (6.0, 7.0, "Maybe.", "A"))
    assert list(zip(sentences.starts, sentences.ends, strict=True)) == [(0.0, 5.0), (6.0, 7.0)]


def test_boundary_queries_treat_silence_between_sentences_as_a_boundary() -> None:
    sentences = _sentences((10.0, 14.0, "One.", None), (20.0, 30.0, "Two.", None))
    assert sentences.containing(12.0) == 0
    assert sentences.containing(14.0) is None
    assert sentences.floor(12.0) == 10.0
    assert sentences.ceil(12.0) == 14.0
    assert sentences.floor(17.0) == sentences.ceil(17.0) == 17.0
    assert sentences.snap(23.0, tolerance=8.0) == 20.0
    assert sentences.snap(28.0, tolerance=8.0) == 30.0
    assert sentences.snap(25.0, tolerance=4.0) is None
    assert sentences.snap(17.0, tolerance=0.1) == 17.0
