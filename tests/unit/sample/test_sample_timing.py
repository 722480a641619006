"""The pure timing generator: deterministic, plausible speech timings and camera cuts at turns."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viralclip_localstack.sample import (
    SAMPLE_VIDEO_ID,
    TimingOptions,
    Turn,
    build_video,
    sample_turns,
    sample_video,
    time_transcript,
)
from viralclip_localstack.sample.timing import TimedTranscript
from viralclip_localstack.sample.turns import split_sentences

OPTIONS = TimingOptions()


def _turns_of(timed: TimedTranscript) -> list[list[int]]:
    """Segment indexes grouped by speaker turn (a turn ends where the speaker changes)."""
    groups: list[list[int]] = []
    for index, segment in enumerate(timed.segments):
        if not groups or timed.segments[groups[-1][-1]].speaker != segment.speaker:
            groups.append([])
        groups[-1].append(index)
    return groups


def test_the_same_transcript_always_gets_the_same_timings() -> None:
    assert sample_video(300) == sample_video(300)


def test_the_whole_sample_is_about_an_hour_of_speech() -> None:
    video = sample_video()

    assert 55 * 60 < video.duration_sec < 75 * 60
    assert video.video_id == SAMPLE_VIDEO_ID
    assert video.language == "en"
    assert "Moon" in video.summary
    assert {s.speaker for s in video.transcript} == {"Pat Ryan", "Samuel Lawrence"}


def test_segments_are_in_order_and_never_overlap() -> None:
    segments = sample_video().transcript

    assert all(s.start_sec < s.end_sec for s in segments)
    assert all(a.end_sec <= b.start_sec for a, b in itertools.pairwise(segments))


def test_every_segment_is_spoken_at_2_5_to_2_7_words_per_second_and_the_rate_varies() -> None:
    rates = [len(s.text.split()) / (s.end_sec - s.start_sec) for s in sample_video().transcript]

    assert all(2.5 <= rate <= 2.7 for rate in rates)
    assert max(rates) - min(rates) > 0.1


def test_pauses_between_turns_are_longer_than_pauses_between_sentences() -> None:
    timed = time_transcript(sample_turns())
    turns = _turns_of(timed)
    segments = timed.segments
    turn_gaps = [segments[b[0]].start_sec - segments[a[-1]].end_sec for a, b in itertools.pairwise(turns)]
    inner_gaps = [
        segments[j].start_sec - segments[i].end_sec for turn in turns for i, j in itertools.pairwise(turn)
    ]

    rounding = 0.001  # timestamps are rounded to milliseconds
    assert min(turn_gaps) >= OPTIONS.turn_pause_sec[0] - rounding
    assert max(inner_gaps) <= OPTIONS.sentence_pause_sec[1] + rounding
    assert min(inner_gaps) > 0


def test_scenes_tile_the_whole_video_and_cover_all_speech() -> None:
    video = sample_video()
    scenes = video.scenes

    assert scenes[0].start_sec == 0.0
    assert scenes[-1].end_sec == video.duration_sec
    assert all(a.end_sec == b.start_sec for a, b in itertools.pairwise(scenes))
    assert video.transcript[-1].end_sec < video.duration_sec
    assert len({s.scene_id for s in scenes}) == len(scenes)


def test_the_camera_cuts_at_every_turn_and_only_long_turns_get_extra_cuts() -> None:
    timed = time_transcript(sample_turns())
    cuts = {scene.start_sec for scene in timed.scenes}
    segments = timed.segments

    for turn in _turns_of(timed)[1:]:
        assert segments[turn[0]].start_sec in cuts
        turn_length = segments[turn[-1]].end_sec - segments[turn[0]].start_sec
        inner_cuts = [i for i in turn[1:] if segments[i].start_sec in cuts]
        if turn_length <= OPTIONS.long_turn_sec:
            assert inner_cuts == []
    assert len(timed.scenes) > len(_turns_of(timed))


def test_no_segment_straddles_a_cut() -> None:
    timed = time_transcript(sample_turns())

    for segment in timed.segments:
        assert not any(segment.start_sec < s.start_sec < segment.end_sec for s in timed.scenes)


def test_first_minutes_keep_only_what_fits_and_match_the_start_of_the_whole() -> None:
    whole = sample_video()
    first = sample_video(300)

    assert first.duration_sec <= 300
    assert first.duration_sec > 280
    assert first.transcript == whole.transcript[: len(first.transcript)]
    assert first.scenes[-1].end_sec == first.duration_sec


def test_a_limit_shorter_than_the_first_sentence_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_duration_sec"):
        sample_video(1.0)


def test_a_transcript_without_a_summary_gets_one_naming_its_speakers() -> None:
    turns = [Turn("Ann", "Hello there, Bob."), Turn("Bob", "Hi Ann. Nice to see you.")]

    video = build_video(turns, video_id="v1", title="Hi", media_path="videos/v1.mp4")

    assert video.summary == "A 1-minute conversation between Ann and Bob."
    assert [s.text for s in video.transcript] == ["Hello there, Bob.", "Hi Ann.", "Nice to see you."]


_words = st.lists(st.sampled_from(["moon", "rock", "ice", "water", "Mars"]), min_size=1, max_size=60)
_sentence = _words.map(lambda words: " ".join(words).capitalize() + ".")
_turn = st.builds(
    Turn,
    st.sampled_from(["Ann", "Bob", "Cy"]),
    st.lists(_sentence, min_size=1, max_size=8).map(" ".join),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_turn, min_size=1, max_size=12))
def test_any_transcript_gets_ordered_segments_inside_tiling_scenes(turns: list[Turn]) -> None:
    timed = time_transcript(turns)
    segments, scenes = timed.segments, timed.scenes

    assert sum(len(s.text.split()) for s in segments) == sum(len(t.text.split()) for t in turns)
    assert all(a.end_sec <= b.start_sec for a, b in itertools.pairwise(segments))
    assert scenes[0].start_sec == 0
    assert scenes[-1].end_sec == timed.duration_sec
    assert all(a.end_sec == b.start_sec < b.end_sec for a, b in itertools.pairwise(scenes))
    assert len(segments) >= sum(len(split_sentences(t.text)) for t in turns)
