"""Sample scoring input: the bundled podcast transcript with simple timings, cut into windows.

Deliberately simpler than the demo's generator: a steady 2.6 words per second, a short pause after each
sentence and a longer one at each speaker turn, one scene per turn, and windows of whole sentences close
to `window_sec`. Enough to drive the scorer and the Responses double with realistic text.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from viralclip_contracts import TranscriptSegment, Window

SAMPLE_FILE = "hwhap-114-value-of-the-moon.txt"
_SEARCH_DIRS = ("deploy", "tests", "docs")
_SHARED_COPY = Path("/work/shared/data") / SAMPLE_FILE
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-Z0-9])")

WORDS_PER_SEC = 2.6
SENTENCE_PAUSE_SEC = 0.3
TURN_PAUSE_SEC = 0.8


@dataclass(frozen=True)
class TimedSentence:
    segment: TranscriptSegment
    turn: int


def sample_transcript_path() -> Path:
    """The bundled transcript: the repository's copy when there is one, else the shared data copy."""
    root = Path(__file__).resolve().parents[4]
    for folder in _SEARCH_DIRS:
        for found in sorted((root / folder).rglob(SAMPLE_FILE)):
            return found
    if _SHARED_COPY.exists():
        return _SHARED_COPY
    raise FileNotFoundError(f"{SAMPLE_FILE} is neither in the repository nor in {_SHARED_COPY.parent}")


def timed_sentences(text: str, max_duration_sec: float | None = None) -> list[TimedSentence]:
    """One segment per sentence of each `Speaker: text` line, timed at a steady speech rate."""
    clock = 0.5
    result: list[TimedSentence] = []
    for turn, line in enumerate(_turn_lines(text)):
        speaker, _, speech = line.partition(":")
        for sentence in _SENTENCE_END.split(" ".join(speech.split())):
            duration = max(len(sentence.split()) / WORDS_PER_SEC, 0.4)
            if max_duration_sec is not None and clock + duration > max_duration_sec:
                return result
            segment = TranscriptSegment(
                start_sec=round(clock, 2),
                end_sec=round(clock + duration, 2),
                text=sentence,
                speaker=speaker.split("(")[0].strip() or None,
            )
            result.append(TimedSentence(segment=segment, turn=turn))
            clock += duration + SENTENCE_PAUSE_SEC
        clock += TURN_PAUSE_SEC
    return result


def sample_windows(
    window_sec: float = 75.0, max_duration_sec: float | None = None, text: str | None = None
) -> tuple[Window, ...]:
    """The sample transcript cut into windows of whole sentences, each close to `window_sec`."""
    source = text if text is not None else sample_transcript_path().read_text(encoding="utf-8")
    return tuple(_windows(timed_sentences(source, max_duration_sec), window_sec))


def _turn_lines(text: str) -> Iterator[str]:
    for line in text.splitlines():
        if ":" in line and line.partition(":")[2].strip():
            yield line


def _windows(sentences: list[TimedSentence], window_sec: float) -> Iterator[Window]:
    groups: list[list[TimedSentence]] = [[]]
    for sentence in sentences:
        group = groups[-1]
        group.append(sentence)
        if group[-1].segment.end_sec - group[0].segment.start_sec >= window_sec:
            groups.append([])
    for index, group in enumerate(group for group in groups if group):
        turns = sorted({sentence.turn for sentence in group})
        yield Window(
            window_id=f"w{index:04d}",
            start_sec=group[0].segment.start_sec,
            end_sec=group[-1].segment.end_sec,
            scene_ids=tuple(f"s{turn:04d}" for turn in turns),
            transcript=tuple(sentence.segment for sentence in group),
        )
