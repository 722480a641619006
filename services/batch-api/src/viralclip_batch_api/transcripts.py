"""Parse a transcript given as JSON segments, SRT or WebVTT into contract `TranscriptSegment`s.

Every failure is a `FieldError` naming where (`transcript[3].end_sec`, `transcript (SRT, line 12)`)
and why, so the API can answer 422 with something a creator can fix.
"""

import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import srt
import webvtt
from pydantic import ValidationError
from webvtt.errors import MalformedCaptionError, MalformedFileError

from viralclip_contracts import TranscriptSegment

from .errors import FieldError

_SECONDS_ALIASES = {"start": "start_sec", "end": "end_sec"}


class TranscriptFormat(StrEnum):
    """How a transcript is written: timed JSON segments, SubRip or WebVTT."""

    JSON = "json"
    SRT = "srt"
    VTT = "vtt"


def detect_format(text: str) -> TranscriptFormat:
    """Guess the format of a transcript text from its first non-blank characters."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return TranscriptFormat.VTT
    if head.startswith(("[", "{")):
        return TranscriptFormat.JSON
    return TranscriptFormat.SRT


def parse_transcript(
    source: str | Sequence[Mapping[str, Any]],
    fmt: TranscriptFormat | None = None,
    *,
    field: str = "transcript",
) -> tuple[TranscriptSegment, ...]:
    """Segments of `source` sorted by start; text is JSON/SRT/WebVTT (`fmt` or detected).

    A list is taken as JSON segments. Raises `FieldError` naming the offending segment or line.
    """
    if not isinstance(source, str):
        return _sorted(_from_items(source, field))
    if not source.strip():
        raise FieldError(field, "is empty")
    chosen = fmt or detect_format(source)
    if chosen is TranscriptFormat.JSON:
        return _sorted(_from_json_text(source, field))
    if chosen is TranscriptFormat.SRT:
        return _sorted(_from_srt(source, field))
    return _sorted(_from_vtt(source, field))


def _sorted(segments: list[TranscriptSegment]) -> tuple[TranscriptSegment, ...]:
    return tuple(sorted(segments, key=lambda s: (s.start_sec, s.end_sec)))


def _from_json_text(text: str, field: str) -> list[TranscriptSegment]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FieldError(
            field, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if isinstance(data, dict) and isinstance(data.get("segments"), list):
        data = data["segments"]
    if not isinstance(data, list):
        raise FieldError(field, "JSON must be a list of segments or an object with 'segments'")
    return _from_items(data, field)


def _from_items(items: Sequence[Any], field: str) -> list[TranscriptSegment]:
    segments = []
    for index, item in enumerate(items):
        where = f"{field}[{index}]"
        if not isinstance(item, Mapping):
            raise FieldError(where, "must be an object with start_sec, end_sec and text")
        normalised = {_SECONDS_ALIASES.get(key, key): value for key, value in item.items()}
        try:
            segment = TranscriptSegment.model_validate(normalised)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(part) for part in first["loc"])
            raise FieldError(f"{where}.{loc}" if loc else where, first["msg"]) from None
        segments.append(_checked(segment, f"{where}.end_sec"))
    return segments


def _checked(segment: TranscriptSegment, where: str) -> TranscriptSegment:
    if segment.end_sec < segment.start_sec:
        raise FieldError(where, f"end {segment.end_sec:g} s is before start {segment.start_sec:g} s")
    return segment


def _from_srt(text: str, field: str) -> list[TranscriptSegment]:
    try:
        cues = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        snippet = exc.unmatched_content.strip().splitlines()[0][:60] if exc.unmatched_content else ""
        raise FieldError(f"{field} (SRT, line {line})", f"not a valid SubRip cue: {snippet!r}") from None
    except ValueError as exc:
        raise FieldError(f"{field} (SRT)", f"bad timestamp: {exc}") from None
    segments = []
    for number, cue in enumerate(cues, start=1):
        content = cue.content.strip()
        if "-->" in content:
            raise FieldError(f"{field} (SRT cue {number})", "its text contains a timing line: malformed cue")
        if not content:
            continue
        segment = TranscriptSegment(
            start_sec=cue.start.total_seconds(), end_sec=cue.end.total_seconds(), text=content
        )
        segments.append(_checked(segment, f"{field} (SRT cue {number})"))
    if not segments:
        raise FieldError(field, "SRT contains no cues")
    return segments


def _from_vtt(text: str, field: str) -> list[TranscriptSegment]:
    try:
        document = webvtt.WebVTT.from_string(text.lstrip("\ufeff"), strict=True)
    except MalformedFileError:
        raise FieldError(f"{field} (WebVTT)", "must start with the line 'WEBVTT'") from None
    except MalformedCaptionError as exc:
        raise FieldError(f"{field} (WebVTT)", f"malformed cue: {exc}") from None
    segments = []
    for number, caption in enumerate(document.captions, start=1):
        content = caption.text.strip()
        if not content:
            continue
        segment = TranscriptSegment(
            start_sec=_vtt_seconds(caption.start_time),
            end_sec=_vtt_seconds(caption.end_time),
            text=content,
            speaker=caption.voice,
        )
        segments.append(_checked(segment, f"{field} (WebVTT cue {number})"))
    if not segments:
        raise FieldError(field, "WebVTT contains no cues")
    return segments


def _vtt_seconds(stamp: Any) -> float:
    hours, minutes, seconds, millis = (int(part) for part in stamp.to_tuple())
    return float(hours * 3600 + minutes * 60 + seconds) + millis / 1000
