"""Transcript parsing: JSON segments, SRT and WebVTT become segments; bad input names where and why."""

import json
from typing import Any

import pytest

from viralclip_batch_api.core.errors import FieldError
from viralclip_batch_api.core.transcripts import TranscriptFormat, detect_format, parse_transcript

SRT_TEXT = """1
00:00:01,000 --> 00:00:04,500
Why the Moon?

2
00:00:05,250 --> 00:00:09,000
Because it is the closest place
to learn.
"""

VTT_TEXT = """WEBVTT

00:00:01.000 --> 00:00:04.500
<v Samuel Lawrence>Why the Moon?

intro-2
00:01:05.250 --> 00:01:09.000
Because it is close.
"""


def test_srt_cues_become_segments_with_fractional_seconds() -> None:
    segments = parse_transcript(SRT_TEXT)

    assert [(s.start_sec, s.end_sec) for s in segments] == [(1.0, 4.5), (5.25, 9.0)]
    assert segments[1].text == "Because it is the closest place\nto learn."


def test_webvtt_cues_keep_the_voice_as_speaker_and_millisecond_times() -> None:
    segments = parse_transcript(VTT_TEXT)

    assert [(s.start_sec, s.end_sec) for s in segments] == [(1.0, 4.5), (65.25, 69.0)]
    assert segments[0].speaker == "Samuel Lawrence"
    assert segments[0].text == "Why the Moon?"


def test_json_text_accepts_whisper_style_start_end_and_a_segments_object() -> None:
    text = json.dumps(
        {"segments": [{"start": 3, "end": 4.5, "text": "b"}, {"start": 0, "end": 2, "text": "a"}]}
    )

    segments = parse_transcript(text)

    assert [s.text for s in segments] == ["a", "b"]  # sorted by start


def test_a_list_of_segment_objects_is_parsed_directly() -> None:
    segments = parse_transcript([{"start_sec": 0, "end_sec": 1.5, "text": "hi", "speaker": "Ann"}])

    assert segments[0].speaker == "Ann"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WEBVTT\n\n", TranscriptFormat.VTT),
        ("\ufeffWEBVTT\n", TranscriptFormat.VTT),
        ('  [{"start": 0}]', TranscriptFormat.JSON),
        ('{"segments": []}', TranscriptFormat.JSON),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n", TranscriptFormat.SRT),
    ],
)
def test_format_is_detected_from_the_text(text: str, expected: TranscriptFormat) -> None:
    assert detect_format(text) is expected


def test_explicit_format_overrides_detection() -> None:
    with pytest.raises(FieldError) as error:
        parse_transcript(SRT_TEXT, TranscriptFormat.VTT)

    assert "WEBVTT" in error.value.reason


def test_segment_ending_before_it_starts_names_the_segment() -> None:
    with pytest.raises(FieldError) as error:
        parse_transcript(
            [{"start_sec": 0, "end_sec": 1, "text": "a"}, {"start_sec": 5, "end_sec": 2, "text": "b"}]
        )

    assert error.value.field == "transcript[1].end_sec"
    assert "before start" in error.value.reason


def test_missing_text_names_the_field() -> None:
    with pytest.raises(FieldError) as error:
        parse_transcript('[{"start": 0, "end": 1}]')

    assert error.value.field == "transcript[0].text"


def test_negative_time_names_the_field() -> None:
    with pytest.raises(FieldError) as error:
        parse_transcript([{"start_sec": -1, "end_sec": 1, "text": "a"}])

    assert error.value.field == "transcript[0].start_sec"
    assert "greater than or equal to 0" in error.value.reason


def test_invalid_json_reports_line_and_column() -> None:
    with pytest.raises(FieldError) as error:
        parse_transcript('[{"start": 0,\n "end": }]', TranscriptFormat.JSON)

    assert error.value.field == "transcript"
    assert "line 2" in error.value.reason


def test_json_that_is_not_a_list_is_refused() -> None:
    with pytest.raises(FieldError, match="list of segments"):
        parse_transcript('{"text": "all of it"}')


def test_text_that_is_not_srt_reports_the_line() -> None:
    with pytest.raises(FieldError) as error:
        parse_transcript("just some words\nno cues here\n", TranscriptFormat.SRT)

    assert error.value.field == "transcript (SRT, line 1)"
    assert "just some words" in error.value.reason


def test_srt_cue_with_a_broken_timing_line_is_refused_naming_and_quoting_that_line() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,500\nhi\n\n2\n00:00:03,000 -> 00:00:04,000\nback\n"
    with pytest.raises(FieldError) as error:
        parse_transcript(text)

    assert error.value.field == "transcript (SRT, line 6)"
    assert "'00:00:03,000 -> 00:00:04,000'" in error.value.reason


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("1\n00:00:01,000 --> banana\nhi\n", 2),
        ("\n\n1\n00:00:01,000 --> banana\nhi\n", 4),
        ("00:00:01,000 --> banana\nhi\n", 1),
        ("1\r\n00:00:01,000 --> banana\r\nhi\r\n", 2),
    ],
)
def test_a_bad_timing_line_is_reported_at_its_own_line_not_the_cue_number(text: str, line: int) -> None:
    with pytest.raises(FieldError) as error:
        parse_transcript(text)

    assert error.value.field == f"transcript (SRT, line {line})"
    assert error.value.reason.startswith("not a valid SubRip timing line: '00:00:01,000 --> banana'")


def test_a_cue_number_without_a_timing_line_is_named() -> None:
    with pytest.raises(FieldError) as error:
        parse_transcript("1\n\nhello\n", TranscriptFormat.SRT)

    assert error.value.field == "transcript (SRT, line 1)"
    assert "not followed by a timing line" in error.value.reason


def test_srt_cue_with_a_broken_index_is_refused_not_merged_into_the_previous_text() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,500\nhi\n\nx2\n00:00:03,000 --> 00:00:04,000\nback\n"
    with pytest.raises(FieldError) as error:
        parse_transcript(text)

    assert error.value.field == "transcript (SRT cue 1)"
    assert "timing line" in error.value.reason


def test_srt_cue_ending_before_it_starts_is_refused() -> None:
    text = "1\n00:00:05,000 --> 00:00:02,000\nback\n"
    with pytest.raises(FieldError) as error:
        parse_transcript(text)

    assert error.value.field == "transcript (SRT cue 1)"


def test_malformed_webvtt_cue_is_refused_not_skipped() -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:0x.000 --> 00:00:06.000\nbad\n"
    with pytest.raises(FieldError) as error:
        parse_transcript(text)

    assert "malformed cue" in error.value.reason
    assert "00:00:0x.000" in error.value.reason


@pytest.mark.parametrize(
    "source",
    [
        "",
        "   \n",
        "WEBVTT\n\n",
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n \n",
        "1\n00:00:00,000 --> 00:00:01,000\n \n",
        "[]",
        [],
        {"segments": []},
        {"language": "en", "segments": [{"start": 0, "end": 1, "text": " "}]},
        [{"start_sec": 0, "end_sec": 1, "text": " "}, {"start_sec": 1, "end_sec": 2, "text": ""}],
    ],
)
def test_transcripts_without_a_word_are_refused_as_empty(source: Any) -> None:
    """Given but holding nothing to clip, in any format: refused at registration, not in windowing."""
    with pytest.raises(FieldError) as error:
        parse_transcript(source)

    assert error.value.field == "transcript"
    assert error.value.reason.startswith("is empty")


def test_field_name_can_be_chosen_by_the_caller() -> None:
    with pytest.raises(FieldError) as error:
        parse_transcript("", field="transcript_file")

    assert error.value.field == "transcript_file"
