"""Timed JSON transcripts: our own segments, and Whisper / faster-whisper / WhisperX / OpenAI output.

Accepted shapes: a list of segments, or an object with `segments` (and optionally `language`, and
`words` at the top level as OpenAI's `verbose_json` writes them). A segment has `start`/`start_sec`,
`end`/`end_sec`, `text`, optional `speaker` and `words`; a word has `word`/`text`, `start`/`start_sec`,
`end`/`end_sec` and `probability`/`score`/`confidence`. Every other key (Whisper's `id`, `seek`,
`tokens`, `avg_logprob`, …) is ignored. Leading spaces are stripped, a word of punctuation only joins
the word before it, segments with neither text nor words are dropped, a word without times (WhisperX
leaves numbers unaligned) gets the gap between its neighbours and is marked `estimated`. A segment is
widened to hold its words. Errors name the segment and word: `transcript[12].words[3].end_sec`.
"""

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from viralclip_contracts import TranscriptSegment, Word

from .errors import FieldError
from .language_tags import is_language_tag

M = TypeVar("M", bound=BaseModel)
_SEGMENT_KEYS = {"start": "start_sec", "end": "end_sec"}
_WORD_KEYS = {
    "word": "text",
    "start": "start_sec",
    "end": "end_sec",
    "probability": "confidence",
    "score": "confidence",
}
_LANGUAGE_NAMES = {
    "english": "en",
    "indonesian": "id",
    "malay": "ms",
    "spanish": "es",
    "portuguese": "pt",
    "french": "fr",
    "german": "de",
    "italian": "it",
    "dutch": "nl",
    "japanese": "ja",
    "korean": "ko",
    "chinese": "zh",
    "hindi": "hi",
    "arabic": "ar",
    "russian": "ru",
    "turkish": "tr",
    "vietnamese": "vi",
    "thai": "th",
    "tagalog": "tl",
}


@dataclass(frozen=True)
class JsonTranscript:
    """The segments of a JSON transcript (input order) and the language it declares, if any."""

    segments: list[TranscriptSegment]
    language: str | None


def from_json(data: Any, field: str) -> JsonTranscript:
    """Segments of parsed JSON `data` (see the module docstring), or `FieldError` naming where."""
    language: str | None = None
    loose_words: list[Any] = []
    if isinstance(data, Mapping):
        if not isinstance(data.get("segments"), list):
            raise FieldError(field, "JSON must be a list of segments or an object with 'segments'")
        language = _language(data.get("language"))
        if isinstance(data.get("words"), list):
            loose_words = data["words"]
        data = data["segments"]
    if not isinstance(data, list):
        raise FieldError(field, "JSON must be a list of segments or an object with 'segments'")
    segments = [_segment(item, f"{field}[{index}]") for index, item in enumerate(data)]
    if loose_words:
        segments = _with_loose_words(
            segments, [_word(w, f"{field}.words[{i}]") for i, w in enumerate(loose_words)]
        )
    return JsonTranscript([s for s in segments if s is not None], language)


def _language(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    name = value.strip().lower()
    code = _LANGUAGE_NAMES.get(name, name)
    return code if len(code) <= 35 and is_language_tag(code) else None  # else: as if undeclared


def _segment(item: Any, where: str) -> TranscriptSegment | None:
    if not isinstance(item, Mapping):
        raise FieldError(where, "must be an object with start_sec, end_sec and text")
    fields: dict[str, Any] = {
        _SEGMENT_KEYS.get(str(key), str(key)): value for key, value in item.items() if key != "words"
    }
    raw_words = item.get("words") or []
    if not isinstance(raw_words, list):
        raise FieldError(f"{where}.words", "must be a list of words")
    if "text" not in fields and raw_words:
        fields["text"] = ""
    if isinstance(fields.get("text"), str):
        fields["text"] = fields["text"].strip()
    segment = _validated(TranscriptSegment, fields, where)
    _check_order(segment.start_sec, segment.end_sec, f"{where}.end_sec")
    words = _words(raw_words, segment, where)
    if not segment.text and not words:
        return None
    text = segment.text or " ".join(word.text for word in words)
    start = min([segment.start_sec, *(w.start_sec for w in words)])
    end = max([segment.end_sec, *(w.end_sec for w in words)])
    return segment.model_copy(update={"text": text, "words": words, "start_sec": start, "end_sec": end})


def _words(raw: list[Any], segment: TranscriptSegment, where: str) -> tuple[Word, ...]:
    parsed = [_word(item, f"{where}.words[{index}]") for index, item in enumerate(raw)]
    timed = _fill_missing_times([w for w in parsed if w is not None], segment)
    merged: list[Word] = []
    for word in timed:
        if merged and not any(ch.isalnum() for ch in word.text):
            last = merged[-1]
            merged[-1] = last.model_copy(
                update={"text": last.text + word.text, "end_sec": max(last.end_sec, word.end_sec)}
            )
        else:
            merged.append(word)
    return tuple(merged)


@dataclass(frozen=True)
class _RawWord:
    text: str
    start: float | None
    end: float | None
    confidence: float | None


def _word(item: Any, where: str) -> _RawWord | None:
    if not isinstance(item, Mapping):
        raise FieldError(where, "must be an object with word, start and end")
    fields: dict[str, Any] = {_WORD_KEYS.get(str(key), str(key)): value for key, value in item.items()}
    text = fields.get("text")
    if not isinstance(text, str):
        raise FieldError(f"{where}.text", "must be the word as a string")
    if not text.strip():
        return None
    start, end = fields.get("start_sec"), fields.get("end_sec")
    probe = {
        "text": text.strip(),
        "start_sec": 0.0 if start is None else start,
        "end_sec": 0.0 if end is None else end,
        "confidence": fields.get("confidence"),
    }
    word = _validated(Word, probe, where)
    if start is not None and end is not None:
        _check_order(word.start_sec, word.end_sec, f"{where}.end_sec")
    return _RawWord(
        word.text,
        None if start is None else word.start_sec,
        None if end is None else word.end_sec,
        word.confidence,
    )


def _fill_missing_times(words: list[_RawWord], segment: TranscriptSegment) -> list[Word]:
    """Words with times; a missing start is the previous word's end (or the segment's start), a
    missing end the next word's start (or the segment's end); such words are marked estimated."""
    result: list[Word] = []
    for index, word in enumerate(words):
        previous_end = result[-1].end_sec if result else segment.start_sec
        start = word.start if word.start is not None else previous_end
        following = next((w.start for w in words[index + 1 :] if w.start is not None), None)
        end = word.end if word.end is not None else following if following is not None else segment.end_sec
        end = max(end, start)
        result.append(
            Word(
                text=word.text,
                start_sec=start,
                end_sec=end,
                confidence=word.confidence,
                estimated=word.start is None or word.end is None,
            )
        )
    return result


def _with_loose_words(
    segments: list[TranscriptSegment | None], words: Sequence[_RawWord | None]
) -> list[TranscriptSegment | None]:
    """Top-level words (OpenAI `verbose_json`) given to the segment each starts in."""
    kept = sorted((s for s in segments if s is not None), key=lambda s: s.start_sec)
    starts = [s.start_sec for s in kept]
    by_segment: dict[int, list[_RawWord]] = {}
    for word in words:
        if word is None or word.start is None:
            continue
        home = bisect_right(starts, word.start) - 1
        if home >= 0 and word.start < kept[home].end_sec and not kept[home].words:
            by_segment.setdefault(home, []).append(word)
    return [
        s.model_copy(update={"words": tuple(_fill_missing_times(by_segment[i], s))}) if i in by_segment else s
        for i, s in enumerate(kept)
    ]


def _validated(model: type[M], fields: Mapping[str, Any], where: str) -> M:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(part) for part in first["loc"])
        raise FieldError(f"{where}.{loc}" if loc else where, first["msg"]) from None


def _check_order(start: float, end: float, where: str) -> None:
    if not (math.isfinite(start) and math.isfinite(end)):
        raise FieldError(where, "times must be finite numbers")
    if end < start:
        raise FieldError(where, f"end {end:g} s is before start {start:g} s")
