"""Every accepted transcript format, from a real-shaped file: segments, words, language, errors by path."""

import json
from pathlib import Path

import pytest

from viralclip_batch_api.core.errors import FieldError
from viralclip_batch_api.core.transcripts import ImportedTranscript, import_transcript

FILES = Path(__file__).parent / "transcripts"


def _imported(name: str) -> ImportedTranscript:
    return import_transcript((FILES / name).read_text(encoding="utf-8"))


def test_faster_whisper_json_keeps_words_probabilities_and_language_without_leading_spaces() -> None:
    imported = _imported("faster-whisper-words.json")

    assert imported.language == "id"
    first, second = imported.segments  # the blank segment " " with no words is dropped
    assert first.text == "Selamat pagi semuanya, hari ini kita belajar tentang bulan."
    assert [w.text for w in first.words][:3] == ["Selamat", "pagi", "semuanya,"]
    assert first.words[-1].text == "bulan."  # the lone "." joined the word before it
    assert (first.words[0].start_sec, first.words[0].end_sec, first.words[0].confidence) == (0.0, 0.52, 0.912)
    assert not any(w.estimated for w in first.words)
    assert second.end_sec == 14.26  # widened to hold its last word


def test_whisperx_json_keeps_scores_speakers_and_times_unaligned_words_between_their_neighbours() -> None:
    imported = _imported("whisperx.json")

    assert imported.language == "en"
    first, second = imported.segments
    assert (first.speaker, second.speaker) == ("SPEAKER_00", "SPEAKER_01")
    number = first.words[1]
    assert (number.text, number.start_sec, number.end_sec) == ("2024", 0.152, 0.893)
    assert number.estimated
    assert number.confidence is None
    assert first.words[2].confidence == 0.912
    assert not first.words[2].estimated
    assert second.text == "Was it worth it?"


def test_openai_whisper_json_without_words_keeps_segments_and_language() -> None:
    imported = _imported("openai-whisper.json")

    assert imported.language == "en"
    assert [s.text for s in imported.segments] == [
        "Houston, we have a podcast.",
        "Welcome to the official podcast of the NASA Johnson Space Center.",
    ]
    assert all(not s.words for s in imported.segments)  # estimated at registration, not here


def test_openai_verbose_json_words_at_the_top_level_go_to_their_segments() -> None:
    text = json.dumps(
        {
            "language": "english",
            "segments": [
                {"start": 0, "end": 2, "text": " Hi there."},
                {"start": 2, "end": 3, "text": " Bye."},
            ],
            "words": [
                {"word": "Hi", "start": 0.1, "end": 0.5},
                {"word": "there.", "start": 0.6, "end": 1.9},
                {"word": "Bye.", "start": 2.1, "end": 2.8},
            ],
        }
    )

    imported = import_transcript(text)

    assert imported.language == "en"
    assert [[w.text for w in s.words] for s in imported.segments] == [["Hi", "there."], ["Bye."]]


def test_youtube_webvtt_inline_timestamps_become_words_and_roll_up_repeats_are_left_out() -> None:
    imported = _imported("youtube-auto.vtt")

    assert imported.language == "en"
    assert [s.text for s in imported.segments] == [
        "so why the moon well",
        "it's the closest place to learn",
        "how to live somewhere else",
    ]
    first = imported.segments[0]
    assert [(w.text, w.start_sec, w.end_sec) for w in first.words] == [
        ("so", 0.16, 0.48),
        ("why", 0.48, 0.72),
        ("the", 0.72, 0.96),
        ("moon", 0.96, 1.52),
        ("well", 1.52, 2.35),
    ]
    assert not any(w.estimated for s in imported.segments for w in s.words)


def test_unpunctuated_auto_captions_in_srt_are_short_cues_without_words() -> None:
    imported = _imported("youtube-auto-unpunctuated.srt")

    assert imported.language is None
    assert len(imported.segments) == 6
    assert imported.segments[-1].text == "okay so let's talk about water ice"


def test_srt_from_an_editor_keeps_long_cues_whole_strips_italics_and_drops_empty_cues() -> None:
    imported = _imported("editor-long-cues.srt")

    assert [(s.start_sec, s.end_sec) for s in imported.segments] == [(1.0, 27.4), (27.9, 41.25), (42.0, 48.5)]
    assert imported.segments[0].text.startswith("So when you think about the value of the Moon you have")


def test_a_word_ending_before_it_starts_is_named_by_segment_and_word() -> None:
    segments = [{"start": 0, "end": 1, "text": "a"}] * 12 + [
        {
            "start": 20,
            "end": 22,
            "text": " one two three four",
            "words": [
                {"word": " one", "start": 20.0, "end": 20.4},
                {"word": " two", "start": 20.4, "end": 20.9},
                {"word": " three", "start": 20.9, "end": 21.3},
                {"word": " four", "start": 21.8, "end": 21.5},
            ],
        }
    ]

    with pytest.raises(FieldError) as error:
        import_transcript({"segments": segments})

    assert str(error.value) == "transcript[12].words[3].end_sec: end 21.5 s is before start 21.8 s"


@pytest.mark.parametrize(
    ("word", "field"),
    [
        ({"word": "x", "start": -1, "end": 1}, "transcript[0].words[0].start_sec"),
        ({"word": "x", "start": 0, "end": 1, "probability": 1.5}, "transcript[0].words[0].confidence"),
        ({"start": 0, "end": 1}, "transcript[0].words[0].text"),
        ("x", "transcript[0].words[0]"),
    ],
)
def test_bad_words_are_refused_naming_the_word(word: object, field: str) -> None:
    with pytest.raises(FieldError) as error:
        import_transcript([{"start": 0, "end": 2, "text": "x", "words": [word]}])

    assert error.value.field == field


def test_a_segment_of_words_without_text_takes_its_text_from_them() -> None:
    (segment,) = import_transcript(
        [
            {
                "start": 0,
                "end": 1,
                "words": [
                    {"word": " Hello", "start": 0, "end": 0.4},
                    {"word": "!", "start": 0.4, "end": 0.5},
                ],
            }
        ]
    ).segments

    assert (segment.text, [w.text for w in segment.words]) == ("Hello!", ["Hello!"])
