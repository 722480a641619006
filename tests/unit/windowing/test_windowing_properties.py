"""Property-based tests of the windowing core: the acceptance properties of issue 3."""

import random
from collections.abc import Iterable
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from viralclip_contracts import (
    ClipBatchConfig,
    ClipLengthPreset,
    ProcessingTimeframe,
    SceneSegment,
    TranscriptSegment,
    Video,
)
from viralclip_windowing.errors import NothingToWindow
from viralclip_windowing.rules import DEFAULT_RULES
from viralclip_windowing.sentences import group_sentences
from viralclip_windowing.timeframe import Span
from viralclip_windowing.transcript import clip_transcript
from viralclip_windowing.windows import Overlap, WindowPlan, plan_windows

TOLERANCE = 1e-6
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

gaps = st.one_of(
    st.just(0.0),
    st.floats(0.0, 0.9),
    st.floats(0.9, 5.0),
    st.floats(5.0, 90.0),
).map(lambda x: round(x, 3))
durations = st.floats(0.2, 12.0).map(lambda x: round(x, 3))


@st.composite
def transcripts(draw: st.DrawFn, *, every_segment_a_sentence: bool) -> list[TranscriptSegment]:
    """Non-overlapping segments of at most 12 s, with pauses, silences and speaker turns."""
    pieces = draw(st.lists(st.tuples(gaps, durations, st.booleans(), st.booleans()), max_size=250))
    time = draw(st.floats(0.0, 40.0).map(lambda x: round(x, 3)))
    speaker = draw(st.sampled_from([None, "A"]))
    segments: list[TranscriptSegment] = []
    for gap, duration, punctuated, turn in pieces:
        time += gap
        if speaker is not None and turn:
            speaker = "B" if speaker == "A" else "A"
        ends_sentence = every_segment_a_sentence or punctuated
        text = "so we went to the moon" + ("." if ends_sentence else "")
        segments.append(
            TranscriptSegment(start_sec=time, end_sec=time + duration, text=text, speaker=speaker)
        )
        time += duration
    return segments


@st.composite
def scene_lists(draw: st.DrawFn, duration: float) -> list[SceneSegment]:
    """No scenes, a tiling of the video, or a ragged list with gaps and overlaps."""
    kind = draw(st.sampled_from(["none", "tiling", "ragged"]))
    if kind == "none":
        return []
    cuts = sorted(
        set(draw(st.lists(st.floats(0.0, duration).map(lambda x: round(x, 2)), max_size=120)))
        | {0.0, duration}
    )
    scenes = [
        SceneSegment(scene_id=f"s{i:04d}", start_sec=a, end_sec=b) for i, (a, b) in enumerate(pairwise(cuts))
    ]
    if kind == "ragged":
        keep = draw(st.lists(st.booleans(), min_size=len(scenes), max_size=len(scenes)))
        shift = draw(st.floats(-3.0, 3.0).map(lambda x: round(x, 2)))
        scenes = [
            SceneSegment(scene_id=s.scene_id, start_sec=max(0.0, s.start_sec + shift), end_sec=s.end_sec)
            for s, kept in zip(scenes, keep, strict=True)
            if kept and s.end_sec > max(0.0, s.start_sec + shift)
        ]
    return scenes


@st.composite
def cases(draw: st.DrawFn, *, every_segment_a_sentence: bool = True) -> tuple[Video, ClipBatchConfig]:
    segments = draw(transcripts(every_segment_a_sentence=every_segment_a_sentence))
    speech_end = segments[-1].end_sec if segments else 0.0
    duration = max(speech_end, draw(st.floats(10.0, 1500.0).map(lambda x: round(x, 2))))
    video = Video(
        video_id="v-prop",
        title="Property video",
        media_path="videos/p.mp4",
        duration_sec=duration,
        transcript=tuple(segments),
        scenes=tuple(draw(scene_lists(duration))),
    )
    start = draw(st.one_of(st.just(0.0), st.floats(0.0, duration - 1.0).map(lambda x: round(x, 2))))
    length = draw(st.one_of(st.none(), st.floats(1.0, duration).map(lambda x: round(x, 2))))
    timeframe = ProcessingTimeframe(
        start_sec=start, end_sec=None if length is None else round(start + length, 2)
    )
    preset = draw(st.sampled_from(list(ClipLengthPreset)))
    return video, ClipBatchConfig(clip_length_preset=preset, processing_timeframe=timeframe)


def _span(video: Video, config: ClipBatchConfig) -> Span:
    timeframe = config.processing_timeframe
    end = video.duration_sec if timeframe.end_sec is None else timeframe.end_sec
    return Span(timeframe.start_sec, min(end, video.duration_sec))


def _plan_or_none(video: Video, config: ClipBatchConfig) -> WindowPlan | None:
    span = _span(video, config)
    has_speech = any(s.end_sec > span.start and s.start_sec < span.end for s in video.transcript)
    has_scene = any(s.end_sec > span.start and s.start_sec < span.end for s in video.scenes)
    if not has_speech and not has_scene:
        with pytest.raises(NothingToWindow):
            plan_windows(video, config)
        return None
    return plan_windows(video, config)


def _strictly_inside_a_segment(t: float, video: Video) -> bool:
    return any(s.start_sec + TOLERANCE < t < s.end_sec - TOLERANCE for s in video.transcript)


@PROPERTY_SETTINGS
@given(cases())
def test_every_window_lies_inside_the_timeframe(case: tuple[Video, ClipBatchConfig]) -> None:
    video, config = case
    plan = _plan_or_none(video, config)
    assume(plan is not None)
    assert plan is not None
    span = _span(video, config)
    assert plan.windows
    for window in plan.windows:
        assert span.start <= window.start_sec < window.end_sec <= span.end
        for segment in window.transcript:
            assert window.start_sec <= segment.start_sec <= segment.end_sec <= window.end_sec


@PROPERTY_SETTINGS
@given(cases())
def test_duration_is_inside_the_preset_range_or_one_window_spans_a_short_timeframe(
    case: tuple[Video, ClipBatchConfig],
) -> None:
    video, config = case
    plan = _plan_or_none(video, config)
    assume(plan is not None)
    assert plan is not None
    span = plan.span  # the timeframe, its edges moved inward to whole sentences
    assert _span(video, config).start <= span.start < span.end <= _span(video, config).end
    minimum, maximum = config.clip_length_preset.bounds_sec
    if span.duration < minimum:
        assert [(w.start_sec, w.end_sec) for w in plan.windows] == [(span.start, span.end)]
    else:
        for window in plan.windows:
            assert minimum - TOLERANCE <= window.end_sec - window.start_sec <= maximum + TOLERANCE


@PROPERTY_SETTINGS
@given(cases(every_segment_a_sentence=False))
def test_boundaries_are_scene_or_sentence_boundaries(case: tuple[Video, ClipBatchConfig]) -> None:
    video, config = case
    plan = _plan_or_none(video, config)
    assume(plan is not None)
    assert plan is not None
    span = _span(video, config)
    sentences = group_sentences(clip_transcript(video.transcript, span), DEFAULT_RULES)
    scene_edges = {span.start, span.end, plan.span.start, plan.span.end}
    scene_edges |= {max(span.start, min(t, span.end)) for s in video.scenes for t in (s.start_sec, s.end_sec)}
    for window in plan.windows:
        for t in (window.start_sec, window.end_sec):
            assert t in scene_edges or sentences.containing(t) is None, t


@PROPERTY_SETTINGS
@given(st.booleans().flatmap(lambda sentence: cases(every_segment_a_sentence=sentence)))
def test_no_boundary_cuts_a_transcript_segment(case: tuple[Video, ClipBatchConfig]) -> None:
    """Inside the timeframe a window never starts or ends inside a segment (never cuts a word)."""
    video, config = case
    plan = _plan_or_none(video, config)
    assume(plan is not None)
    assert plan is not None
    for window in plan.windows:
        for t in (window.start_sec, window.end_sec):
            assert t in (plan.span.start, plan.span.end) or not _strictly_inside_a_segment(t, video), t


@PROPERTY_SETTINGS
@given(cases(every_segment_a_sentence=False), st.randoms(use_true_random=False))
def test_output_is_sorted_and_deterministic(
    case: tuple[Video, ClipBatchConfig], shuffler: random.Random
) -> None:
    video, config = case
    plan = _plan_or_none(video, config)
    assume(plan is not None)
    assert plan is not None
    keys = [(w.start_sec, w.end_sec) for w in plan.windows]
    assert keys == sorted(set(keys))
    assert [w.window_id for w in plan.windows] == [f"w{i:04d}" for i in range(len(keys))]
    segments, scenes = list(video.transcript), list(video.scenes)
    shuffler.shuffle(segments)
    shuffler.shuffle(scenes)
    shuffled = video.model_copy(update={"transcript": tuple(segments), "scenes": tuple(scenes)})
    assert plan_windows(shuffled, config).windows == plan.windows
    assert plan_windows(video, config).windows == plan.windows


@PROPERTY_SETTINGS
@given(cases(every_segment_a_sentence=False))
def test_windows_cover_at_least_90_percent_of_the_speech(case: tuple[Video, ClipBatchConfig]) -> None:
    video, config = case
    plan = _plan_or_none(video, config)
    assume(plan is not None)
    assert plan is not None
    assert plan.overlap is not Overlap.SAMPLED
    span = plan.span  # a sentence the timeframe cuts is left out on purpose
    speech = _union(
        (max(s.start_sec, span.start), min(s.end_sec, span.end))
        for s in video.transcript
        if s.end_sec > span.start and s.start_sec < span.end
    )
    windows = _union((w.start_sec, w.end_sec) for w in plan.windows)
    total = sum(b - a for a, b in speech)
    covered = sum(max(0.0, min(b, d) - max(a, c)) for a, b in speech for c, d in windows)
    assert total == 0 or covered >= 0.9 * total


@PROPERTY_SETTINGS
@given(cases(every_segment_a_sentence=False))
def test_windows_leave_no_gap_in_the_timeframe(case: tuple[Video, ClipBatchConfig]) -> None:
    """Stronger than the 90% coverage: unless capped, the windows together span the timeframe."""
    video, config = case
    plan = _plan_or_none(video, config)
    assume(plan is not None)
    assert plan is not None
    span = _span(video, config)
    assert span.start <= plan.span.start < plan.span.end <= span.end
    assert _union((w.start_sec, w.end_sec) for w in plan.windows) == [(plan.span.start, plan.span.end)]


def _union(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
