"""Properties of issue 14: windows start and end between words, and on whole sentences.

The transcripts come from `viralclip_testkit.speech`: sentences of known timed words, cut into cues
that may end mid-sentence or hold several sentences (long subtitle cues), with the words given (ASR)
or left to be estimated. Every sentence is shorter than the narrowest preset range (15 s).
"""

import json
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viralclip_contracts import (
    ClipBatchConfig,
    ClipLengthPreset,
    ProcessingTimeframe,
    SceneSegment,
    Video,
    Window,
    Word,
)
from viralclip_testkit.speech import SpokenTranscript, sentences_of, spoken_transcript
from viralclip_transcripts import estimate_words, with_words
from viralclip_windowing.rules import DEFAULT_RULES
from viralclip_windowing.windows import Overlap, plan_windows

PROPERTIES = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

sentence_plans = st.tuples(
    st.integers(1, 14),  # words
    st.floats(0.1, 0.55).map(lambda x: round(x, 2)),  # seconds per word: every sentence under 8.5 s
    st.one_of(st.just(0.05), st.floats(0.1, 4.0), st.floats(10.0, 40.0)).map(lambda x: round(x, 2)),
)


@st.composite
def videos(draw: st.DrawFn) -> tuple[Video, SpokenTranscript, bool]:
    measured = draw(st.booleans())
    spoken = spoken_transcript(
        draw(st.lists(sentence_plans, min_size=1, max_size=80)),
        draw(st.lists(st.integers(1, 60), min_size=1, max_size=8)),
        start=draw(st.floats(0.0, 30.0).map(lambda x: round(x, 2))),
        measured=measured,
    )
    duration = round(spoken.words[-1].end_sec + draw(st.floats(0.0, 60.0)), 2)
    cuts = sorted(set(draw(st.lists(st.floats(0.0, duration).map(lambda x: round(x, 2)), max_size=40))))
    scenes = [
        SceneSegment(scene_id=f"s{i:03d}", start_sec=a, end_sec=b)
        for i, (a, b) in enumerate(pairwise([0.0, *cuts, duration]))
        if b > a
    ]
    video = Video(
        video_id="v-words",
        title="Words",
        media_path="videos/w.mp4",
        duration_sec=duration,
        transcript=spoken.segments,
        scenes=tuple(scenes) if draw(st.booleans()) else (),
    )
    return video, spoken, measured


def _words(video: Video, spoken: SpokenTranscript, measured: bool) -> list[Word]:
    if measured:
        return list(spoken.words)
    return [word for segment in video.transcript for word in estimate_words(segment)]


@PROPERTIES
@given(
    videos(),
    st.sampled_from(list(ClipLengthPreset)),
    st.floats(0.0, 1.0),
    st.one_of(st.none(), st.floats(30.0, 2000.0)),
)
def test_no_window_boundary_falls_inside_a_word_or_cuts_a_sentence(
    case: tuple[Video, SpokenTranscript, bool],
    preset: ClipLengthPreset,
    start_share: float,
    length: float | None,
) -> None:
    video, spoken, measured = case
    start = round(start_share * max(0.0, video.duration_sec - 30.0), 2)
    end = None if length is None else round(start + length, 2)
    config = ClipBatchConfig(
        clip_length_preset=preset, processing_timeframe=ProcessingTimeframe(start_sec=start, end_sec=end)
    )
    words = _words(video, spoken, measured)
    sentences = sentences_of(words)
    frame_end = video.duration_sec if end is None else min(end, video.duration_sec)
    if not any(w.end_sec > start and w.start_sec < frame_end for w in words) and not video.scenes:
        return  # nothing to window: covered by the edge-case tests
    plan = plan_windows(video, config)
    whole_sentence_inside = any(start <= a and b <= frame_end for a, b in sentences)
    for window in plan.windows:
        for t in (window.start_sec, window.end_sec):
            assert not any(w.start_sec < t < w.end_sec for w in words), (t, "inside a word")
            if whole_sentence_inside:
                assert not any(a < t < b for a, b in sentences), (t, "inside a sentence")


@PROPERTIES
@given(videos(), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_at_the_timeframe_edges_windows_hold_only_whole_sentences(
    case: tuple[Video, SpokenTranscript, bool], start_share: float, end_share: float
) -> None:
    video, spoken, measured = case
    low, high = sorted((start_share * video.duration_sec, end_share * video.duration_sec))
    low, high = round(low, 2), round(high, 2)
    sentences = sentences_of(_words(video, spoken, measured))
    inside = [(a, b) for a, b in sentences if low <= a and b <= high]
    if high - low < 1.0 or not inside:
        return
    config = ClipBatchConfig(processing_timeframe=ProcessingTimeframe(start_sec=low, end_sec=high))
    plan = plan_windows(video, config)
    first = min(w.start_sec for w in plan.windows)
    last = max(w.end_sec for w in plan.windows)
    # the first window opens no earlier than the end of a sentence the timeframe cuts, and no later than
    # the first whole sentence inside it; the same, mirrored, for the last window
    cut_at_start = [b for a, b in sentences if a < low < b]
    cut_at_end = [a for a, b in sentences if a < high < b]
    assert first >= (cut_at_start[0] if cut_at_start else low)
    assert first <= inside[0][0]
    assert last <= (cut_at_end[0] if cut_at_end else high)
    assert last >= inside[-1][1]


def _event_bytes(plan_windows_: tuple[Window, ...]) -> int:
    return sum(len(json.dumps(w.model_dump(mode="json"))) + 2 for w in plan_windows_)


def _podcast(minutes: int, *, measured: bool) -> Video:
    spoken = spoken_transcript([(12, 0.35, 0.3)] * (minutes * 12), [7, 12, 9], measured=measured)
    segments = tuple(with_words(s) for s in spoken.segments)  # as registration stores them
    return Video(
        video_id="v-cap",
        title="Cap",
        media_path="videos/c.mp4",
        duration_sec=segments[-1].end_sec,
        transcript=segments,
    )


def test_estimated_words_cost_no_bytes_in_the_event_and_are_re_derived_exactly() -> None:
    video = _podcast(10, measured=False)

    plan = plan_windows(video, ClipBatchConfig())

    stored = {(s.start_sec, s.end_sec): s.words for s in video.transcript}
    every_word = {word for words in stored.values() for word in words}
    sent = [s for w in plan.windows for s in w.transcript]
    whole = [s for s in sent if (s.start_sec, s.end_sec) in stored]
    cut = [s for s in sent if (s.start_sec, s.end_sec) not in stored]  # a window starts mid-cue
    assert whole
    assert cut
    assert all(not s.words for s in whole)
    assert all(with_words(s).words == stored[(s.start_sec, s.end_sec)] for s in whole)
    assert all(s.words and set(s.words) <= every_word for s in cut)  # the words inside the window
    assert plan.measured_words is False


def test_measured_words_travel_with_their_windows_and_the_event_stays_inside_the_cap() -> None:
    short = plan_windows(_podcast(10, measured=True), ClipBatchConfig())
    long = plan_windows(_podcast(120, measured=True), ClipBatchConfig())

    assert short.measured_words is True
    assert all(s.words and not s.words[0].estimated for w in short.windows for s in w.transcript)
    # two hours of measured words exceed 600 kB even end to end: they are left out before any window is
    assert long.measured_words is False  # dropped, and the scorer estimates them from the text
    assert long.overlap is not Overlap.SAMPLED
    for plan in (short, long):
        assert _event_bytes(plan.windows) <= DEFAULT_RULES.max_payload_bytes
