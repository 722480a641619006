"""The language a video is spoken in: the request's, the transcript file's, else detected (pure, CPU-bound).

Detection uses py3langid (the langid.py model, shipped in its wheel; nothing is downloaded) over up to
SAMPLE_CHARS characters taken from the start, middle and end of the transcript. Its first use loads
the model (2–4 s); call it off the event loop. Below MIN_CONFIDENCE, or with fewer than MIN_WORDS
words, the video keeps DEFAULT_LANGUAGE and says so in `language_source`. Indonesian and Malay share
most of their words and the model often confuses them on short text: when Malay wins by less than
CLOSE_CALL over Indonesian, Indonesian is taken (the product's first language; an explicit `ms` wins).
"""

from collections.abc import Sequence
from enum import StrEnum
from functools import cache
from typing import Protocol

from viralclip_contracts import TranscriptSegment

DEFAULT_LANGUAGE = "en"
SAMPLE_CHARS = 3000
MIN_WORDS = 5
MIN_CONFIDENCE = 0.5
CLOSE_CALL = 0.3


class LanguageSource(StrEnum):
    """Where a video's `language` came from."""

    REQUEST = "request"  # given in the registration: always wins
    TRANSCRIPT = "transcript"  # named by the transcript file itself (a Whisper JSON's `language`)
    DETECTED = "detected"  # detected from the transcript's text
    DEFAULT = "default"  # nothing to go on: DEFAULT_LANGUAGE


class _Identifier(Protocol):
    def rank(self, text: str) -> list[tuple[str, float]]: ...


def resolve_language(
    requested: str | None, from_transcript: str | None, transcript: Sequence[TranscriptSegment]
) -> tuple[str, LanguageSource]:
    """The video's language and its source: the request's, else the transcript file's, else detected."""
    if requested:
        return requested, LanguageSource.REQUEST
    if from_transcript:
        return from_transcript, LanguageSource.TRANSCRIPT
    detected = detect_language(transcript)
    if detected is None:
        return DEFAULT_LANGUAGE, LanguageSource.DEFAULT
    return detected, LanguageSource.DETECTED


def detect_language(transcript: Sequence[TranscriptSegment]) -> str | None:
    """The ISO 639-1 code of the transcript's language, or None when the text is too short or unclear."""
    text = sample_text(transcript)
    if len(text.split()) < MIN_WORDS:
        return None
    ranked = dict(_identifier().rank(text)[:2])
    (code, confidence), *_ = sorted(ranked.items(), key=lambda item: -item[1])
    if code == "ms" and confidence - ranked.get("id", 0.0) < CLOSE_CALL:
        return "id"
    return code if confidence >= MIN_CONFIDENCE else None


def sample_text(transcript: Sequence[TranscriptSegment], limit: int = SAMPLE_CHARS) -> str:
    """Up to `limit` characters of the transcript: a third each from its start, middle and end."""
    text = " ".join(" ".join(segment.text.split()) for segment in transcript)
    if len(text) <= limit:
        return text
    third = limit // 3
    middle = (len(text) - third) // 2
    return " ".join((text[:third], text[middle : middle + third], text[-third:]))


@cache
def _identifier() -> _Identifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier: _Identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return identifier
