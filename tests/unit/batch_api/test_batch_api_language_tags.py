"""A video's `language` must be a well-formed BCP-47 tag: it is shown on the review page and names files."""

import pytest
from pydantic import ValidationError

from viralclip_batch_api.api.models import VideoCreate
from viralclip_batch_api.core.transcripts import import_transcript

WELL_FORMED = [
    "en",
    "id",
    "ms",
    "pt-BR",
    "zh-Hant-TW",
    "es-419",
    "fil",
    "zh-yue-HK",
    "sr-Latn-RS",
    "de-CH-1901",
    "sl-rozaj-biske",
    "en-US-u-ca-gregory",
    "en-x-podcast",
    "x-private",
    "i-klingon",
    "EN-gb",
]
MALFORMED = [
    "klingon!!",
    "english language",
    "en-",
    "-en",
    "en--US",
    "pt_BR",
    "abcd",
    "en-a",
    "en-x",
    "en US",
    "123",
    "../en",
    " en",
    "en\n",
]
UNREGISTERED = ["xx", "qq-US", "en-Abcd"]


@pytest.mark.parametrize("tag", WELL_FORMED)
def test_well_formed_tags_are_accepted_as_given(tag: str) -> None:
    video = VideoCreate(title="Moon", media_path="a.mp4", transcript="x", language=tag)

    assert video.language == tag


@pytest.mark.parametrize("tag", MALFORMED + UNREGISTERED)
def test_malformed_tags_are_refused_naming_language(tag: str) -> None:
    with pytest.raises(ValidationError) as error:
        VideoCreate(title="Moon", media_path="a.mp4", transcript="x", language=tag)

    (detail,) = error.value.errors()
    assert detail["loc"] == ("language",)
    assert "well-formed BCP-47" in detail["msg"]


def test_an_underscore_is_refused_with_the_tag_it_should_be() -> None:
    with pytest.raises(ValidationError, match="separated by '-': 'pt-BR'"):
        VideoCreate(title="Moon", media_path="a.mp4", transcript="x", language="pt_BR")


def test_a_malformed_language_declared_by_the_transcript_is_ignored_not_kept() -> None:
    whisper = {"language": "klingon!!", "segments": [{"start": 0, "end": 1, "text": "Hi."}]}
    vtt = "WEBVTT\nLanguage: English (auto)\n\n00:00:00.000 --> 00:00:01.000\nHi.\n"

    assert import_transcript(whisper).language is None
    assert import_transcript(vtt).language is None
    assert import_transcript({**whisper, "language": "english"}).language == "en"
