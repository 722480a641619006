"""The video's language: the request's wins, then the transcript file's, else detected from the text."""

from viralclip_batch_api.core.language_detection import LanguageSource, detect_language, resolve_language
from viralclip_contracts import TranscriptSegment
from viralclip_testkit.offline_fixtures import english_sample, indonesian_lecture


def test_an_explicit_language_always_wins() -> None:
    lecture = indonesian_lecture()

    assert resolve_language("en", "id", lecture) == ("en", LanguageSource.REQUEST)
    assert resolve_language(None, "id", ()) == ("id", LanguageSource.TRANSCRIPT)


def test_indonesian_and_english_transcripts_are_detected() -> None:
    english = [s for w in english_sample(300.0).windows for s in w.transcript]

    assert resolve_language(None, None, indonesian_lecture()) == ("id", LanguageSource.DETECTED)
    assert resolve_language(None, None, english) == ("en", LanguageSource.DETECTED)


def test_short_indonesian_sentences_are_not_taken_for_malay() -> None:
    lines = ["Kita akan membahas cara menabung untuk anak muda.", "Bulan itu tempat yang paling dekat."]

    for line in lines:
        assert detect_language([TranscriptSegment(start_sec=0, end_sec=3, text=line)]) == "id"


def test_too_little_text_keeps_the_default() -> None:
    segment = TranscriptSegment(start_sec=0, end_sec=1, text="Hi there")

    assert resolve_language(None, None, [segment]) == ("en", LanguageSource.DEFAULT)
