"""The product's promise about a batch's clips, checked from the outside (the REST API's JSON).

Whatever the LLM answered, every clip starts and ends on a transcript boundary (a segment's or a word's),
lasts the preset's duration ±20%, lies inside the processing timeframe, has a score in 0–10 with one
decimal, valid grades and a title; no two clips overlap by more than half of the shorter; ranks run 1..n.
"""

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from viralclip_contracts import ClipLengthPreset, Grade, TranscriptSegment

TOLERANCE_SEC = 0.01
PRESET_SLACK = 0.2
_GRADES = {grade.value for grade in Grade}


def _boundaries(transcript: Sequence[TranscriptSegment]) -> tuple[list[float], list[float]]:
    starts = [s.start_sec for s in transcript] + [w.start_sec for s in transcript for w in s.words]
    ends = [s.end_sec for s in transcript] + [w.end_sec for s in transcript for w in s.words]
    return starts, ends


def _on(value: float, boundaries: Sequence[float]) -> bool:
    return any(abs(value - b) <= TOLERANCE_SEC for b in boundaries)


def contract_violations(
    clips: Sequence[Mapping[str, Any]],
    transcript: Sequence[TranscriptSegment],
    *,
    preset: ClipLengthPreset,
    timeframe: tuple[float, float],
) -> list[str]:
    """Every broken promise, one line each naming the clip; empty when the batch keeps them all."""
    starts, ends = _boundaries(transcript)
    low, high = preset.bounds_sec
    problems: list[str] = []
    for clip in clips:
        name, start, end = clip["clip_id"], clip["start_time_sec"], clip["end_time_sec"]
        if not _on(start, starts):
            problems.append(f"{name}: starts at {start} s, not on a segment or word start")
        if not _on(end, ends):
            problems.append(f"{name}: ends at {end} s, not on a segment or word end")
        if (
            not low * (1 - PRESET_SLACK) - TOLERANCE_SEC
            <= end - start
            <= high * (1 + PRESET_SLACK) + TOLERANCE_SEC
        ):
            problems.append(f"{name}: lasts {end - start:.2f} s, outside {preset.value} ±20%")
        if start < timeframe[0] - TOLERANCE_SEC or end > timeframe[1] + TOLERANCE_SEC:
            problems.append(f"{name}: {start}-{end} s leaves the timeframe {timeframe}")
        score = clip["viral_score"]
        if not 0 <= score <= 10 or round(score, 1) != score:
            problems.append(f"{name}: viral_score {score}")
        grades = {clip[f"grade_{key}"] for key in ("hook", "flow", "value", "trend")}
        if not grades <= _GRADES:
            problems.append(f"{name}: grades {sorted(grades - _GRADES)}")
        if not str(clip["title"]).strip() or clip["title"] != str(clip["title"]).strip():
            problems.append(f"{name}: title {clip['title']!r}")
    for a, b in itertools.combinations(clips, 2):
        overlap = min(a["end_time_sec"], b["end_time_sec"]) - max(a["start_time_sec"], b["start_time_sec"])
        if overlap > min(a["duration_sec"], b["duration_sec"]) / 2 + TOLERANCE_SEC:
            problems.append(f"{a['clip_id']} and {b['clip_id']} overlap by {overlap:.2f} s")
    if sorted(clip["rank"] for clip in clips) != list(range(1, len(clips) + 1)):
        problems.append(f"ranks {sorted(clip['rank'] for clip in clips)} are not 1..{len(clips)}")
    return problems
