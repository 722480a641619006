"""Validation and repair of an answer, whichever provider gave it (pure).

Each proposed clip is judged on its own: start and end are snapped to sentence boundaries of the window
it belongs to (the one it overlaps most) — the sentences of `viralclip_transcripts.speech_track`, the
same ones windowing cuts on: a cue edge that ends a sentence, or a sentence end inside a long cue by its
words' times — so a clip never starts or ends mid-sentence, let alone inside a word; a clip reaching
more than `tolerance_sec` outside that window is dropped; only sentences wholly inside the processing
timeframe count, so at a timeframe edge a clip starts on the first whole sentence and ends on the last;
a clip longer than the preset allows (+20%) is trimmed at a sentence end, one shorter than the preset
allows (-20%) is dropped; the score is clamped to [0, 10] and rounded to one decimal; grades must be
letters (case and a typographic minus are forgiven). Across windows, clips overlapping by more than half
of the shorter one are de-duplicated, keeping the higher score; the rest are ranked by score.
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from viralclip_contracts import Clip, Grade, Window
from viralclip_transcripts import speech_track

from .llm_schema import LlmClip, LlmClipList
from .text import one_line, shorten

DEFAULT_TOLERANCE_SEC = 3.0
DURATION_SLACK = 0.2
OVERLAP_DUPLICATE_RATIO = 0.5
MAX_TITLE_CHARS = 100
MAX_HASHTAGS = 5
_EPSILON = 0.01

_GRADES = {grade.value: grade for grade in Grade}


@dataclass(frozen=True)
class ClipLimits:
    """What a valid clip must respect for one batch."""

    timeframe: tuple[float, float]
    duration_bounds: tuple[float, float]
    tolerance_sec: float = DEFAULT_TOLERANCE_SEC


@dataclass(frozen=True)
class Candidate:
    """A repaired clip, not yet ranked nor given its id."""

    start_sec: float
    end_sec: float
    title: str
    description: str
    viral_score: float
    grades: tuple[Grade, Grade, Grade, Grade]
    viral_reason: str
    hook: str
    hashtags: tuple[str, ...]
    window_id: str

    @property
    def duration_sec(self) -> float:
        return self.end_sec - self.start_sec


@dataclass(frozen=True)
class Rejection:
    """A proposed clip that could not be repaired, and why."""

    index: int
    reason: str


@dataclass(frozen=True)
class RepairResult:
    candidates: tuple[Candidate, ...]
    rejections: tuple[Rejection, ...]


class Rejected(ValueError):
    """A clip cannot be repaired; the message says why."""


def repair_answer(answer: LlmClipList, windows: Sequence[Window], limits: ClipLimits) -> RepairResult:
    """Repair every clip of `answer` against the windows the call covered; collect what was dropped."""
    candidates: list[Candidate] = []
    rejections: list[Rejection] = []
    for index, proposed in enumerate(answer.clips):
        try:
            candidates.append(repair_clip(proposed, windows, limits))
        except Rejected as error:
            rejections.append(Rejection(index=index, reason=str(error)))
    return RepairResult(candidates=tuple(candidates), rejections=tuple(rejections))


def repair_clip(proposed: LlmClip, windows: Sequence[Window], limits: ClipLimits) -> Candidate:
    """One clip made valid, or `Rejected` naming the field and the reason."""
    start, end = proposed.start_sec, proposed.end_sec
    if not (math.isfinite(start) and math.isfinite(end)):
        raise Rejected("start_sec/end_sec: not a finite number")
    if end <= start:
        raise Rejected(f"end_sec {end:.2f} is not after start_sec {start:.2f}")
    window = _home_window(start, end, windows)
    if start < window.start_sec - limits.tolerance_sec or end > window.end_sec + limits.tolerance_sec:
        raise Rejected(
            f"start_sec/end_sec {start:.2f}-{end:.2f} reach outside window {window.window_id} "
            f"({window.start_sec:.2f}-{window.end_sec:.2f})"
        )
    snapped = _snap(start, end, window, limits)
    return Candidate(
        start_sec=snapped.start_sec,
        end_sec=snapped.end_sec,
        title=_title(proposed.title),
        description=one_line(proposed.description),
        viral_score=_score(proposed.viral_score),
        grades=(
            _grade("grades.hook", proposed.grades.hook),
            _grade("grades.flow", proposed.grades.flow),
            _grade("grades.value", proposed.grades.value),
            _grade("grades.trend", proposed.grades.trend),
        ),
        viral_reason=one_line(proposed.viral_reason),
        hook=one_line(proposed.hook) or snapped.opening,
        hashtags=normalise_hashtags(proposed.hashtags),
        window_id=window.window_id,
    )


def deduplicate(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Best first, dropping each clip that overlaps a better one by more than half of the shorter."""
    kept: list[Candidate] = []
    for candidate in sorted(candidates, key=_rank_key):
        if not any(_duplicates(candidate, better) for better in kept):
            kept.append(candidate)
    return kept


def rank_clips(
    candidates: Sequence[Candidate], *, batch_id: str, video_id: str, language: str
) -> tuple[Clip, ...]:
    """De-duplicated, ranked clips with ids derived from batch and time range (rank 1 is best)."""
    return tuple(
        Clip(
            clip_id=clip_id_for(batch_id, candidate.start_sec, candidate.end_sec),
            clip_batch_id=batch_id,
            video_id=video_id,
            start_time_sec=candidate.start_sec,
            end_time_sec=candidate.end_sec,
            duration_sec=round(candidate.duration_sec, 2),
            title=candidate.title,
            description=candidate.description,
            viral_score=candidate.viral_score,
            grade_hook=candidate.grades[0],
            grade_flow=candidate.grades[1],
            grade_value=candidate.grades[2],
            grade_trend=candidate.grades[3],
            viral_reason=candidate.viral_reason,
            hook=candidate.hook,
            hashtags=candidate.hashtags,
            language=language,
            rank=rank,
            window_id=candidate.window_id,
        )
        for rank, candidate in enumerate(deduplicate(candidates), start=1)
    )


def clip_id_for(batch_id: str, start_sec: float, end_sec: float) -> str:
    """The deterministic clip id: a retry with the same time range gets the same id."""
    digest = hashlib.sha256(f"{batch_id}:{start_sec:.2f}:{end_sec:.2f}".encode()).hexdigest()
    return "c-" + digest[:16]


def normalise_hashtags(tags: Sequence[str]) -> tuple[str, ...]:
    """`#word` tags without spaces, de-duplicated case-insensitively, at most five."""
    seen: set[str] = set()
    result: list[str] = []
    for tag in tags:
        body = "".join(tag.split()).lstrip("#")
        if body and body.lower() not in seen:
            seen.add(body.lower())
            result.append("#" + body)
    return tuple(result[:MAX_HASHTAGS])


def _home_window(start: float, end: float, windows: Sequence[Window]) -> Window:
    best: Window | None = None
    best_overlap = 0.0
    for window in windows:
        overlap = min(end, window.end_sec) - max(start, window.start_sec)
        if overlap > best_overlap:
            best, best_overlap = window, overlap
    if best is None:
        raise Rejected(f"start_sec/end_sec {start:.2f}-{end:.2f} overlap none of the windows")
    return best


@dataclass(frozen=True)
class _Snapped:
    start_sec: float
    end_sec: float
    opening: str


def _snap(start: float, end: float, window: Window, limits: ClipLimits) -> _Snapped:
    """The nearest sentence start to `start` and sentence end to `end` among the window's sentences
    inside the timeframe, trimmed to the preset's maximum."""
    track = speech_track(window.transcript)
    eligible = track.within(
        max(window.start_sec, limits.timeframe[0]), min(window.end_sec, limits.timeframe[1]), _EPSILON
    )
    if not eligible:
        raise Rejected("start_sec/end_sec: no transcript in the window inside the timeframe")
    first = min(eligible, key=lambda index: (abs(track.starts[index] - start), track.starts[index]))
    opening = track.starts[first]
    ends = [track.ends[index] for index in eligible if index >= first]
    snapped_end = min(ends, key=lambda value: (abs(value - end), value))
    low, high = limits.duration_bounds
    longest = high * (1 + DURATION_SLACK)
    if snapped_end - opening > longest:
        fitting = [value for value in ends if value - opening <= longest]
        if not fitting:
            raise Rejected(f"duration: the sentence at {opening:.2f}s alone is longer than {longest:.0f}s")
        snapped_end = max(fitting)
    shortest = low * (1 - DURATION_SLACK)
    if snapped_end - opening < shortest:
        raise Rejected(
            f"duration {snapped_end - opening:.1f}s is shorter than {shortest:.0f}s "
            f"(preset {low:.0f}-{high:.0f}s)"
        )
    return _Snapped(opening, snapped_end, one_line(track.text(first)))


def _score(value: float) -> float:
    if not math.isfinite(value):
        raise Rejected("viral_score: not a finite number")
    return round(min(10.0, max(0.0, value)), 1)


def _grade(field: str, value: str) -> Grade:
    letter = value.strip().upper().replace("−", "-").replace("–", "-")
    if letter not in _GRADES:
        raise Rejected(f"{field}: {value!r} is not a letter grade (A+ … F)")
    return _GRADES[letter]


def _title(value: str) -> str:
    title = shorten(value, MAX_TITLE_CHARS)
    if not title:
        raise Rejected("title: empty")
    return title


def _rank_key(candidate: Candidate) -> tuple[float, float, float]:
    return (-candidate.viral_score, candidate.start_sec, candidate.end_sec)


def _duplicates(first: Candidate, second: Candidate) -> bool:
    overlap = min(first.end_sec, second.end_sec) - max(first.start_sec, second.start_sec)
    shorter = min(first.duration_sec, second.duration_sec)
    return overlap > OVERLAP_DUPLICATE_RATIO * shorter
