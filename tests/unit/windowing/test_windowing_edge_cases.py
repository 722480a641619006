"""Example tests of the windowing core: derived scenes, sparse speech, domain errors, snapping, cap."""

import pytest

from viralclip_contracts import (
    ClipBatchConfig,
    ClipLengthPreset,
    ProcessingTimeframe,
    SceneSegment,
    TranscriptSegment,
    Video,
    WindowsReady,
)
from viralclip_transcripts import estimate_words
from viralclip_windowing.errors import NothingToWindow, TimeframeOutsideVideo
from viralclip_windowing.rules import DEFAULT_RULES, WindowingRules
from viralclip_windowing.scenes import build_scene_track
from viralclip_windowing.sentences import group_sentences
from viralclip_windowing.timeframe import Span, format_clock
from viralclip_windowing.transcript import clip_transcript
from viralclip_windowing.windows import Overlap, WindowPlan, plan_windows


def _speech(
    start: float, end: float, every: float = 4.0, speaker: str | None = None
) -> list[TranscriptSegment]:
    """Back-to-back one-sentence segments from `start` to `end`."""
    segments = []
    t = start
    while t + every <= end + 1e-9:
        segments.append(
            TranscriptSegment(start_sec=t, end_sec=t + every, text="We went to the moon.", speaker=speaker)
        )
        t += every
    return segments


def _video(
    duration: float, transcript: list[TranscriptSegment], scenes: list[SceneSegment] | None = None
) -> Video:
    return Video(
        video_id="v-edge",
        title="Edge cases",
        media_path="videos/edge.mp4",
        duration_sec=duration,
        transcript=tuple(transcript),
        scenes=tuple(scenes or ()),
    )


def _config(
    preset: ClipLengthPreset = ClipLengthPreset.AUTO, start: float = 0.0, end: float | None = None
) -> ClipBatchConfig:
    return ClipBatchConfig(
        clip_length_preset=preset, processing_timeframe=ProcessingTimeframe(start_sec=start, end_sec=end)
    )


def _assert_valid(plan: WindowPlan, config: ClipBatchConfig) -> None:
    minimum, maximum = config.clip_length_preset.bounds_sec
    for window in plan.windows:
        assert plan.span.start <= window.start_sec < window.end_sec <= plan.span.end
        assert minimum - 1e-6 <= window.end_sec - window.start_sec <= maximum + 1e-6


def test_a_video_without_scenes_gets_scenes_at_speaker_turns_and_pauses() -> None:
    transcript = _speech(0, 40, speaker="A") + _speech(40, 80, speaker="B") + _speech(85, 160, speaker="B")
    video = _video(160, transcript)
    span = Span(0, 160)
    track = build_scene_track(
        (), span, group_sentences(clip_transcript(video.transcript, span), DEFAULT_RULES), DEFAULT_RULES
    )
    assert track.cuts == (0.0, 40.0, 85.0, 160.0)
    assert track.ids == ("d0000", "d0001", "d0002")
    plan = plan_windows(video, _config())
    _assert_valid(plan, _config())
    assert plan.derived_scenes == 3
    assert {scene for w in plan.windows for scene in w.scene_ids} == {"d0000", "d0001", "d0002"}


def test_a_gaming_video_with_sparse_speech_still_gets_windows_over_the_whole_timeframe() -> None:
    transcript = [
        TranscriptSegment(start_sec=t, end_sec=t + 3, text="Let's go!") for t in (100.0, 610.0, 1105.0)
    ]
    video = _video(1200, transcript)
    plan = plan_windows(video, _config())
    _assert_valid(plan, _config())
    assert plan.windows[0].start_sec == 0.0
    assert plan.windows[-1].end_sec == 1200.0
    assert plan.speech_coverage == 1.0
    assert any(not w.transcript for w in plan.windows)
    assert plan.derived_scenes >= 1100 / DEFAULT_RULES.silent_scene_sec / 1.5


def test_a_video_with_scenes_and_no_transcript_is_windowed_at_scene_cuts() -> None:
    scenes = [SceneSegment(scene_id=f"s{i:03d}", start_sec=i * 7.0, end_sec=(i + 1) * 7.0) for i in range(40)]
    plan = plan_windows(_video(280, [], scenes), _config(ClipLengthPreset.FROM_30_TO_60S))
    _assert_valid(plan, _config(ClipLengthPreset.FROM_30_TO_60S))
    cut_points = {s.start_sec for s in scenes} | {280.0}
    assert all(w.start_sec in cut_points and w.end_sec in cut_points for w in plan.windows)
    assert plan.derived_scenes == 0


def test_a_timeframe_starting_after_the_video_is_a_clear_error() -> None:
    video = _video(600, _speech(0, 600))
    with pytest.raises(TimeframeOutsideVideo, match=r"starts at 10:05, but the video is only 10:00 long"):
        plan_windows(video, _config(start=605.0))


def test_a_timeframe_with_no_speech_and_no_scenes_is_a_clear_error() -> None:
    video = _video(900, _speech(0, 300))
    with pytest.raises(NothingToWindow, match=r"timeframe 8:20–15:00 .* contains no speech and no scenes"):
        plan_windows(video, _config(start=500.0))


def test_a_video_without_transcript_or_scenes_is_a_clear_error() -> None:
    with pytest.raises(NothingToWindow, match="has no transcript and no scene segments"):
        plan_windows(_video(600, []), _config())


def test_a_timeframe_shorter_than_the_minimum_is_one_window_of_the_whole_sentences_inside_it() -> None:
    video = _video(600, _speech(0, 600, every=3.0))  # sentences 99–102, 102–105, …, 117–120, 120–123
    plan = plan_windows(video, _config(start=100.5, end=120.5))
    assert [(w.start_sec, w.end_sec) for w in plan.windows] == [(102.0, 120.0)]
    assert (plan.span.start, plan.span.end) == (102.0, 120.0)
    excerpt = plan.windows[0].transcript
    assert (excerpt[0].start_sec, excerpt[-1].end_sec) == (102.0, 120.0)
    assert excerpt[0].text == "We went to the moon."


def test_a_timeframe_inside_one_sentence_keeps_the_whole_words_inside_it() -> None:
    video = _video(600, _speech(0, 600, every=30.0))  # one 30-s sentence of five words per segment
    plan = plan_windows(video, _config(start=35.0, end=50.0))
    (window,) = plan.windows
    words = video.transcript[1].words or estimate_words(video.transcript[1])
    edges = {w.start_sec for w in words} | {w.end_sec for w in words}
    assert 35.0 <= window.start_sec < window.end_sec <= 50.0
    assert {window.start_sec, window.end_sec} <= edges


def test_a_scene_longer_than_the_range_is_split_at_sentence_boundaries() -> None:
    transcript = _speech(0, 600, every=4.5)
    plan = plan_windows(
        _video(600, transcript, [SceneSegment(scene_id="s0", start_sec=0, end_sec=600)]), _config()
    )
    _assert_valid(plan, _config())
    sentence_edges = {s.start_sec for s in transcript} | {600.0}
    assert all(w.start_sec in sentence_edges and w.end_sec in sentence_edges for w in plan.windows)
    assert all(w.scene_ids == ("s0",) for w in plan.windows)


def test_a_scene_cut_inside_a_sentence_snaps_to_the_sentence_edge() -> None:
    transcript = [
        TranscriptSegment(start_sec=0, end_sec=29, text="A long opening."),
        TranscriptSegment(start_sec=29, end_sec=37, text="This sentence is cut by the camera."),
        TranscriptSegment(start_sec=37, end_sec=60, text="The end."),
    ]
    scenes = [
        SceneSegment(scene_id="s1", start_sec=0, end_sec=31),
        SceneSegment(scene_id="s2", start_sec=31, end_sec=60),
    ]
    span = Span(0, 60)
    sentences = group_sentences(clip_transcript(transcript, span), DEFAULT_RULES)
    assert build_scene_track(scenes, span, sentences, DEFAULT_RULES).cuts == (0.0, 29.0, 60.0)


def test_excerpts_carry_absolute_timestamps_and_start_on_the_first_whole_sentence_of_the_timeframe() -> None:
    video = _video(900, _speech(0, 900, every=4.0))
    plan = plan_windows(video, _config(start=101.0, end=401.0))
    _assert_valid(plan, _config())
    first = plan.windows[0].transcript[0]
    assert (first.start_sec, first.end_sec) == (104.0, 108.0)
    assert plan.windows[-1].end_sec == 400.0
    for window in plan.windows:
        inside = [
            s for s in video.transcript if window.start_sec <= s.start_sec and s.end_sec <= window.end_sec
        ]
        assert set(inside) <= set(window.transcript)


def test_segments_that_end_before_they_start_are_ignored() -> None:
    broken = TranscriptSegment(start_sec=50, end_sec=40, text="garbled")
    plan = plan_windows(_video(120, [*_speech(0, 120), broken]), _config())
    assert all(broken.text not in {s.text for s in w.transcript} for w in plan.windows)


def test_overlapping_windows_hold_every_minute_of_a_monologue_whole() -> None:
    video = _video(900, _speech(0, 900, every=4.0))
    plan = plan_windows(video, _config())
    assert plan.overlap is Overlap.FULL
    for t in range(0, 900 - 50):
        assert any(w.start_sec <= t and t + 50 <= w.end_sec for w in plan.windows), t


def test_a_long_video_steps_down_its_overlap_and_stays_under_the_event_size_cap() -> None:
    two_hours = plan_windows(_video(7200, _speech(0, 7200, every=4.0)), _config())
    assert two_hours.overlap in (Overlap.REDUCED, Overlap.NONE)
    assert two_hours.speech_coverage == 1.0
    ten_hours = plan_windows(_video(36000, _speech(0, 36000, every=4.0)), _config())
    assert ten_hours.overlap is Overlap.SAMPLED
    assert len(ten_hours.windows) <= DEFAULT_RULES.max_windows
    for plan in (two_hours, ten_hours):
        _assert_valid(plan, _config())
        event = WindowsReady(
            batch_id="b",
            video_id="v",
            job_id="j",
            producer="windowing",
            config=_config(),
            language="en",
            windows=plan.windows,
        )
        assert len(event.model_dump_json().encode()) < DEFAULT_RULES.max_payload_bytes


def test_sampled_windows_are_spread_evenly_over_the_timeframe() -> None:
    rules = WindowingRules(max_windows=5)
    plan = plan_windows(_video(3600, _speech(0, 3600)), _config(), rules)
    assert plan.overlap is Overlap.SAMPLED
    assert [w.window_id for w in plan.windows] == ["w0000", "w0001", "w0002", "w0003", "w0004"]
    assert plan.windows[0].start_sec == 0.0
    assert plan.windows[-1].end_sec == 3600.0
    assert 0.05 < plan.speech_coverage < 0.2


def test_rules_refuse_a_sentence_cap_wider_than_the_narrowest_preset() -> None:
    with pytest.raises(ValueError, match="max_sentence_sec"):
        WindowingRules(max_sentence_sec=20.0)


def test_clock_format_is_what_a_creator_reads() -> None:
    assert format_clock(65.9) == "1:05"
    assert format_clock(3723.0) == "1:02:03"
