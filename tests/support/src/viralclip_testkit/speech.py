"""Transcripts whose sentences and word times are known, for properties of where clips are cut.

`spoken_transcript` lays out sentences of timed words (the last word of each ends with a full stop, a
short gap between words, a chosen pause after each sentence) and cuts them into cues of a chosen number
of words — so a cue may end mid-sentence or hold several sentences, as ASR and subtitle editors do.
The known sentences are the oracle: they are computed here, not by the code under test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import cycle, pairwise

from viralclip_contracts import TranscriptSegment, Word
from viralclip_transcripts import speech_track, with_words

WORD_GAP_SEC = 0.05
CUE_PAUSE_SEC = 2.0


@dataclass(frozen=True)
class SpokenTranscript:
    segments: tuple[TranscriptSegment, ...]
    words: tuple[Word, ...]
    """Every word with its true time, in order."""
    sentences: tuple[tuple[float, float], ...]
    """(start, end) of every sentence, in order."""


def spoken_transcript(
    sentences: Sequence[tuple[int, float, float]],
    cue_lengths: Sequence[int],
    *,
    start: float = 0.0,
    measured: bool = True,
) -> SpokenTranscript:
    """Sentences given as (words, seconds per word, pause after), cut into cues of `cue_lengths` words
    (cycled), a cue also ending at a pause of `CUE_PAUSE_SEC`; with `measured` the cues carry their words
    (ASR), else only their text."""
    words: list[Word] = []
    spans: list[tuple[float, float]] = []
    clock = start
    for number, (count, seconds, pause) in enumerate(sentences):
        first = len(words)
        for index in range(count):
            text = f"word{number}x{index}" + ("." if index == count - 1 else "")
            words.append(
                Word(
                    text=text.capitalize() if index == 0 else text,
                    start_sec=round(clock, 3),
                    end_sec=round(clock + seconds, 3),
                )
            )
            clock = round(clock + seconds + (WORD_GAP_SEC if index < count - 1 else pause), 3)
        spans.append((words[first].start_sec, words[-1].end_sec))
    segments: list[TranscriptSegment] = []
    position = 0
    for length in cycle(cue_lengths):
        if position >= len(words):
            break
        cue = words[position : position + max(1, length)]
        for index, (word, following) in enumerate(pairwise(cue)):
            if following.start_sec - word.end_sec >= CUE_PAUSE_SEC:  # a silence ends the cue
                cue = cue[: index + 1]
                break
        position += len(cue)
        segments.append(
            TranscriptSegment(
                start_sec=cue[0].start_sec,
                end_sec=cue[-1].end_sec,
                text=" ".join(word.text for word in cue),
                words=tuple(cue) if measured else (),
            )
        )
    return SpokenTranscript(tuple(segments), tuple(words), tuple(spans))


def sentences_of(words: Sequence[Word], pause_sec: float = 1.0) -> list[tuple[float, float]]:
    """(start, end) of the sentences of `words`: after a full stop, or before a pause of `pause_sec`."""
    spans: list[tuple[float, float]] = []
    opened: Word | None = None
    for index, word in enumerate(words):
        opened = opened or word
        following = words[index + 1] if index + 1 < len(words) else None
        if following is None or word.text.endswith(".") or following.start_sec - word.end_sec >= pause_sec:
            spans.append((opened.start_sec, word.end_sec))
            opened = None
    return spans


def boundary_faults(
    clips: Sequence[tuple[float, float]], transcript: Sequence[TranscriptSegment]
) -> list[str]:
    """What is wrong with where `clips` (start, end) are cut in `transcript`: an edge strictly inside a
    word (the segments' words, else the estimated ones), or a start strictly inside a sentence."""
    words = [word for segment in transcript for word in with_words(segment).words]
    track = speech_track(transcript)
    faults: list[str] = []
    for start, end in clips:
        for edge in (start, end):
            inside = [w.text for w in words if w.start_sec < edge < w.end_sec]
            if inside:
                faults.append(f"{start:.3f}–{end:.3f}: {edge:.3f} is inside the word {inside[0]!r}")
        if track.containing(start) is not None:
            faults.append(f"{start:.3f}–{end:.3f}: opens inside the sentence at {track.floor(start):.3f}")
    return faults
