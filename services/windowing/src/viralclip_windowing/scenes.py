"""Scenes over the timeframe: the video's own scene cuts, or scenes derived from the transcript.

Given scenes are clipped to the timeframe, sorted and de-overlapped; small gaps between them are
closed, larger gaps (and a video without scenes) are filled with *derived* scenes (ids `d0000`…):
a new one starts at every pause of `scene_pause_sec` or speaker turn, and silence of
`silent_scene_sec` or more becomes scenes of about that length, so sparse speech still gets scenes.
The scenes tile the timeframe. Their cut points, snapped to sentence boundaries, are where windows
prefer to start and end.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from viralclip_contracts import SceneSegment

from .rules import WindowingRules
from .sentences import Sentences
from .timeframe import Span


@dataclass(frozen=True, slots=True)
class SceneTrack:
    """Scenes tiling the span in order, and the sorted cut points windows may use."""

    ids: tuple[str, ...]
    starts: tuple[float, ...]
    ends: tuple[float, ...]
    cuts: tuple[float, ...]
    min_overlap_sec: float
    derived_count: int

    def ids_between(self, start: float, end: float) -> tuple[str, ...]:
        """Ids of the scenes a window [start, end] holds enough of (see `min_scene_overlap_sec`)."""
        found: list[str] = []
        index = bisect_right(self.ends, start)
        while index < len(self.ids) and self.starts[index] < end:
            length = self.ends[index] - self.starts[index]
            overlap = min(end, self.ends[index]) - max(start, self.starts[index])
            if overlap >= min(self.min_overlap_sec, length):
                found.append(self.ids[index])
            index += 1
        return tuple(found)


def build_scene_track(
    scenes: Iterable[SceneSegment], span: Span, sentences: Sentences, rules: WindowingRules
) -> SceneTrack:
    """Tile `span` with the given scenes (clipped) and derived ones, and compute the cut points."""
    pieces: list[tuple[str | None, float, float]] = []
    cursor = span.start
    for scene_id, start, end in _clip_scenes(scenes, span):
        if 0 < start - cursor < rules.scene_gap_sec:
            if pieces:
                _stretch_last(pieces, start)
            else:
                start = cursor
        elif start > cursor:
            pieces.extend(_derived(cursor, start, sentences, rules))
        pieces.append((scene_id, start, end))
        cursor = end
    if pieces and 0 < span.end - cursor < rules.scene_gap_sec:
        _stretch_last(pieces, span.end)
    else:
        pieces.extend(_derived(cursor, span.end, sentences, rules))
    ids, derived_count = _name_derived(pieces)
    starts = tuple(start for _, start, _ in pieces)
    ends = tuple(end for _, _, end in pieces)
    return SceneTrack(
        ids=ids,
        starts=starts,
        ends=ends,
        cuts=_snapped_cuts(starts, span, sentences, rules),
        min_overlap_sec=rules.min_scene_overlap_sec,
        derived_count=derived_count,
    )


def _clip_scenes(scenes: Iterable[SceneSegment], span: Span) -> list[tuple[str, float, float]]:
    ordered = sorted(
        (
            (max(s.start_sec, span.start), min(s.end_sec, span.end), s.scene_id)
            for s in scenes
            if s.end_sec > span.start and s.start_sec < span.end
        ),
    )
    clipped: list[tuple[str, float, float]] = []
    cursor = span.start
    for start, end, scene_id in ordered:
        start = max(start, cursor)
        if end > start:
            clipped.append((scene_id, start, end))
            cursor = end
    return clipped


def _stretch_last(pieces: list[tuple[str | None, float, float]], end: float) -> None:
    if pieces:
        scene_id, start, _ = pieces[-1]
        pieces[-1] = (scene_id, start, end)


def _derived(
    start: float, end: float, sentences: Sentences, rules: WindowingRules
) -> list[tuple[str | None, float, float]]:
    if end <= start:
        return []
    edges = [start, *_derived_cuts(start, end, sentences, rules), end]
    return [(None, a, b) for a, b in pairwise(edges)]


def _derived_cuts(start: float, end: float, sentences: Sentences, rules: WindowingRules) -> list[float]:
    first = bisect_right(sentences.starts, start)
    last = bisect_left(sentences.starts, end)
    speech_end = start if first == 0 else min(max(start, sentences.ends[first - 1]), end)
    speaker = None if first == 0 else sentences.speakers[first - 1]
    cuts: list[float] = []
    for index in range(first, last):
        sentence_start = sentences.starts[index]
        cuts.extend(_silence_cuts(speech_end, sentence_start, start, rules))
        other = sentences.speakers[index]
        turn = other is not None and speaker is not None and other != speaker
        if turn or sentence_start - speech_end >= rules.scene_pause_sec:
            cuts.append(sentence_start)
        speech_end = min(sentences.ends[index], end)
        speaker = other
    cuts.extend(_silence_cuts(speech_end, end, start, rules))
    return sorted({cut for cut in cuts if start < cut < end})


def _silence_cuts(
    silence_start: float, silence_end: float, floor: float, rules: WindowingRules
) -> list[float]:
    length = silence_end - silence_start
    if length < rules.silent_scene_sec:
        return []
    count = max(1, round(length / rules.silent_scene_sec))
    inner = [silence_start + length * k / count for k in range(1, count)]
    return [silence_start, *inner] if silence_start > floor else inner


def _name_derived(pieces: list[tuple[str | None, float, float]]) -> tuple[tuple[str, ...], int]:
    names: list[str] = []
    derived = 0
    for scene_id, _, _ in pieces:
        if scene_id is None:
            names.append(f"d{derived:04d}")
            derived += 1
        else:
            names.append(scene_id)
    return tuple(names), derived


def _snapped_cuts(
    starts: tuple[float, ...], span: Span, sentences: Sentences, rules: WindowingRules
) -> tuple[float, ...]:
    cuts = {span.start, span.end}
    for cut in starts[1:]:
        snapped = sentences.snap(cut, rules.snap_tolerance_sec)
        if snapped is not None and span.start <= snapped <= span.end:
            cuts.add(snapped)
    return tuple(sorted(cuts))
