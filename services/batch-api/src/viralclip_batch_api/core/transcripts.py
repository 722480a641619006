"""Parse a transcript given as JSON (ours, Whisper's, WhisperX's), SRT or WebVTT into `TranscriptSegment`s.

Every failure is a `FieldError` naming where (`transcript[3].words[2].end_sec`, `transcript (SRT, line
12)`) and why, so the API can answer 422 with something a creator can fix. Words come from the JSON's
`words` or WebVTT's inline timestamps; segments without them get estimated words at registration.
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import srt
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from viralclip_contracts import TranscriptSegment

from .errors import FieldError
from .language_tags import is_language_tag
from .transcript_json import from_json
from .vtt_words import cue_lines, has_inline_timestamps

_SRT_TAG = re.compile(r"</?[ibu]>|</?font[^>]*>|\{\\[^}]*\}")
_SRT_INDEX = re.compile(r"-?[0-9]+")
_SRT_TIMING = "00:00:01,000 --> 00:00:04,500"


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


@dataclass(frozen=True)
class ImportedTranscript:
    """A parsed transcript: segments sorted by start, and the language it declares (Whisper's
    `language`, WebVTT's `Language:` header), if any."""

    segments: tuple[TranscriptSegment, ...]
    language: str | None = None


def parse_transcript(
    source: str | Sequence[Mapping[str, Any]] | Mapping[str, Any],
    fmt: TranscriptFormat | None = None,
    *,
    field: str = "transcript",
) -> tuple[TranscriptSegment, ...]:
    """Segments of `source` sorted by start (see `import_transcript`)."""
    return import_transcript(source, fmt, field=field).segments


def import_transcript(
    source: str | Sequence[Mapping[str, Any]] | Mapping[str, Any],
    fmt: TranscriptFormat | None = None,
    *,
    field: str = "transcript",
) -> ImportedTranscript:
    """The transcript in `source`: text is JSON/SRT/WebVTT (`fmt` or detected); a list or an object is
    taken as JSON already parsed. Raises `FieldError` naming the offending segment, word or line; a
    transcript without a single segment holding text (``, `[]`, `{"segments": []}`, only blank
    segments or cues) is refused as empty."""
    if not isinstance(source, str):
        chosen, imported = TranscriptFormat.JSON, _from_json(source, field)
    elif not source.strip():
        raise FieldError(field, "is empty")
    else:
        chosen = fmt or detect_format(source)
        imported = _from_text(source, chosen, field)
    if not imported.segments:
        raise FieldError(field, f"is empty: {_NOTHING_IN[chosen]}")
    return imported


def _from_text(text: str, fmt: TranscriptFormat, field: str) -> ImportedTranscript:
    if fmt is TranscriptFormat.JSON:
        return _from_json(_loaded(text, field), field)
    if fmt is TranscriptFormat.SRT:
        return ImportedTranscript(_sorted(_from_srt(text, field)))
    return _from_vtt(text, field)


_NOTHING_IN = {
    TranscriptFormat.JSON: "no segment has any text or words",
    TranscriptFormat.SRT: "no SRT cue has any text",
    TranscriptFormat.VTT: "no WebVTT cue has any text",
}


def _sorted(segments: list[TranscriptSegment]) -> tuple[TranscriptSegment, ...]:
    return tuple(sorted(segments, key=lambda s: (s.start_sec, s.end_sec)))


def _loaded(text: str, field: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FieldError(
            field, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _from_json(data: Any, field: str) -> ImportedTranscript:
    parsed = from_json(data, field)
    return ImportedTranscript(_sorted(parsed.segments), parsed.language)


def _checked(segment: TranscriptSegment, where: str) -> TranscriptSegment:
    if segment.end_sec < segment.start_sec:
        raise FieldError(where, f"end {segment.end_sec:g} s is before start {segment.start_sec:g} s")
    return segment


def _from_srt(text: str, field: str) -> list[TranscriptSegment]:
    try:
        cues = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line, reason = _srt_offence(text, exc.expected_start, exc.unmatched_content or "")
        raise FieldError(f"{field} (SRT, line {line})", reason) from None
    except ValueError as exc:
        raise FieldError(f"{field} (SRT)", f"bad timestamp: {exc}") from None
    segments = []
    for number, cue in enumerate(cues, start=1):
        content = _SRT_TAG.sub("", cue.content).strip()
        if "-->" in content:
            raise FieldError(f"{field} (SRT cue {number})", "its text contains a timing line: malformed cue")
        if not content:
            continue
        segment = TranscriptSegment(
            start_sec=cue.start.total_seconds(), end_sec=cue.end.total_seconds(), text=content
        )
        segments.append(_checked(segment, f"{field} (SRT cue {number})"))
    return segments


def _srt_offence(text: str, start: int, unmatched: str) -> tuple[int, str]:
    """The line number and reason of what the SubRip parser could not read (`unmatched`, from offset
    `start`): the timing line when a cue number comes first, else the first line that is not blank."""
    first_line = text.count("\n", 0, start) + 1
    lines = [line.strip() for line in unmatched.splitlines()]
    at = next((index for index, line in enumerate(lines) if line), None)
    if at is None:
        return first_line, "not a valid SubRip cue"
    if _SRT_INDEX.fullmatch(lines[at]):
        if at + 1 >= len(lines) or not lines[at + 1]:
            return first_line + at, f"cue number {lines[at]!r} is not followed by a timing line"
        at += 1
    elif "->" not in lines[at]:
        return first_line + at, f"not a valid SubRip cue: {lines[at][:60]!r}"
    timing = f"not a valid SubRip timing line: {lines[at][:60]!r}"
    return first_line + at, f"{timing} (expected start --> end, e.g. {_SRT_TIMING!r})"


def _from_vtt(text: str, field: str) -> ImportedTranscript:
    try:
        document = webvtt.WebVTT.from_string(text.lstrip("\ufeff"), strict=True)
    except MalformedFileError:
        raise FieldError(f"{field} (WebVTT)", "must start with the line 'WEBVTT'") from None
    except MalformedCaptionError as exc:
        raise FieldError(f"{field} (WebVTT)", f"malformed cue: {exc}") from None
    inline = any(has_inline_timestamps(caption.raw_text) for caption in document.captions)
    segments: list[TranscriptSegment] = []
    previous: str | None = None
    for number, caption in enumerate(document.captions, start=1):
        start, end = _vtt_seconds(caption.start_time), _vtt_seconds(caption.end_time)
        where = f"{field} (WebVTT cue {number})"
        if not inline:
            content = caption.text.strip()
            if content:
                segment = TranscriptSegment(start_sec=start, end_sec=end, text=content, speaker=caption.voice)
                segments.append(_checked(segment, where))
            continue
        _checked(TranscriptSegment(start_sec=start, end_sec=end, text=""), where)
        lines = cue_lines(caption.raw_text, start, end, previous)
        timed = [line for line in lines if line.words]
        if timed:
            words = tuple(word for line in timed for word in line.words)
            text = " ".join(line.text for line in timed)
            segments.append(
                TranscriptSegment(start_sec=start, end_sec=end, text=text, speaker=caption.voice, words=words)
            )
        segments.extend(
            TranscriptSegment(start_sec=start, end_sec=end, text=line.text, speaker=caption.voice)
            for line in lines
            if not line.words
        )
        if lines:
            previous = lines[-1].text
    return ImportedTranscript(_sorted(segments), _vtt_language(document.metadata))


def _vtt_language(metadata: Sequence[str]) -> str | None:
    for line in metadata:
        key, _, value = line.partition(":")
        tag = value.strip()
        if key.strip().lower() == "language" and len(tag) <= 35 and is_language_tag(tag):
            return tag
    return None


def _vtt_seconds(stamp: Any) -> float:
    hours, minutes, seconds, millis = (int(part) for part in stamp.to_tuple())
    return float(hours * 3600 + minutes * 60 + seconds) + millis / 1000
