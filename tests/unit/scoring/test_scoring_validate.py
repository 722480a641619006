"""Validation and repair of proposed clips: snapping, bounds, clamping, de-duplication, ranking."""

import math
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import event, given, settings, target
from hypothesis import strategies as st

from viralclip_contracts import Grade, TranscriptSegment, Window
from viralclip_scoring.llm_schema import LlmClip, LlmClipList, LlmGrades
from viralclip_scoring.validate import (
    Candidate,
    ClipLimits,
    Rejected,
    clip_id_for,
    deduplicate,
    normalise_hashtags,
    rank_clips,
    repair_answer,
    repair_clip,
)

LIMITS = ClipLimits(timeframe=(0.0, 10_000.0), duration_bounds=(30.0, 60.0))


def make_window(window_id: str, start: float, lengths: list[float], gap: float = 0.5) -> Window:
    """A window of back-to-back sentences with the given lengths, starting at `start`."""
    segments: list[TranscriptSegment] = []
    clock = start
    for index, length in enumerate(lengths):
        segments.append(
            TranscriptSegment(
                start_sec=round(clock, 2),
                end_sec=round(clock + length, 2),
                text=f"Sentence {index} of {window_id}.",
            )
        )
        clock += length + gap
    return Window(
        window_id=window_id,
        start_sec=segments[0].start_sec,
        end_sec=segments[-1].end_sec,
        scene_ids=("s1",),
        transcript=tuple(segments),
    )


def proposed(start: float, end: float, **changes: object) -> LlmClip:
    fields: dict[str, object] = {
        "start_sec": start,
        "end_sec": end,
        "title": "Why the Moon matters",
        "description": "A scientist explains.",
        "viral_score": 8.25,
        "grades": LlmGrades(hook="A", flow="B+", value="A-", trend="B"),
        "viral_reason": "Opens with a question.",
        "hook": "Why the Moon?",
        "hashtags": ["#moon", "#nasa", "#space"],
    }
    fields.update(changes)
    return LlmClip.model_validate(fields)


WINDOW = make_window("w0001", 100.0, [8.0] * 12)  # segments start every 8.5 s: 100.0, 108.5, …


def boundaries(window: Window) -> tuple[set[float], set[float]]:
    return (
        {segment.start_sec for segment in window.transcript},
        {segment.end_sec for segment in window.transcript},
    )


def test_start_and_end_snap_to_the_nearest_sentence_boundaries() -> None:
    clip = repair_clip(proposed(109.7, 143.0), [WINDOW], LIMITS)

    assert (clip.start_sec, clip.end_sec) == (108.5, 142.0)
    assert clip.window_id == "w0001"


def test_score_is_clamped_to_0_10_with_one_decimal() -> None:
    high = repair_clip(proposed(100.0, 142.5, viral_score=12.77), [WINDOW], LIMITS)
    low = repair_clip(proposed(100.0, 142.5, viral_score=-3.0), [WINDOW], LIMITS)
    exact = repair_clip(proposed(100.0, 142.5, viral_score=7.349), [WINDOW], LIMITS)

    assert (high.viral_score, low.viral_score, exact.viral_score) == (10.0, 0.0, 7.3)


def test_grades_forgive_case_and_typographic_minus_but_reject_unknown_letters() -> None:
    repaired = repair_clip(
        proposed(100.0, 142.5, grades=LlmGrades(hook="a+", flow=" b− ", value="C", trend="f")),
        [WINDOW],
        LIMITS,
    )
    assert repaired.grades == (Grade.A_PLUS, Grade.B_MINUS, Grade.C, Grade.F)

    with pytest.raises(Rejected, match=r"grades\.value: 'E'"):
        repair_clip(
            proposed(100.0, 142.5, grades=LlmGrades(hook="A", flow="A", value="E", trend="A")),
            [WINDOW],
            LIMITS,
        )


def test_a_clip_reaching_well_outside_its_window_is_dropped() -> None:
    with pytest.raises(Rejected, match="outside window w0001"):
        repair_clip(proposed(80.0, 130.0), [WINDOW], LIMITS)
    with pytest.raises(Rejected, match="overlap none of the windows"):
        repair_clip(proposed(500.0, 540.0), [WINDOW], LIMITS)


def test_a_clip_slightly_outside_its_window_is_pulled_inside() -> None:
    clip = repair_clip(proposed(98.0, 136.0), [WINDOW], LIMITS)

    assert clip.start_sec == WINDOW.start_sec


def test_a_too_long_clip_is_trimmed_at_a_sentence_end_within_the_preset() -> None:
    clip = repair_clip(proposed(100.0, 201.5), [WINDOW], LIMITS)

    assert clip.start_sec == 100.0
    assert clip.duration_sec <= 60.0 * 1.2
    assert clip.end_sec in boundaries(WINDOW)[1]


def test_a_too_short_clip_is_dropped() -> None:
    with pytest.raises(Rejected, match="shorter than 24s"):
        repair_clip(proposed(100.0, 116.5), [WINDOW], LIMITS)


def test_only_sentences_inside_the_processing_timeframe_count() -> None:
    limits = ClipLimits(timeframe=(117.0, 10_000.0), duration_bounds=(30.0, 60.0))

    clip = repair_clip(proposed(100.0, 151.0), [WINDOW], limits)

    assert clip.start_sec == 117.0


def test_end_before_start_empty_title_and_nan_are_rejected_with_the_field_named() -> None:
    with pytest.raises(Rejected, match="end_sec"):
        repair_clip(proposed(140.0, 110.0), [WINDOW], LIMITS)
    with pytest.raises(Rejected, match="title"):
        repair_clip(proposed(100.0, 142.5, title="   "), [WINDOW], LIMITS)
    with pytest.raises(Rejected, match="viral_score"):
        repair_clip(proposed(100.0, 142.5, viral_score=math.nan), [WINDOW], LIMITS)


def test_a_missing_hook_is_taken_from_the_opening_sentence() -> None:
    clip = repair_clip(proposed(100.0, 142.5, hook=""), [WINDOW], LIMITS)

    assert clip.hook == "Sentence 0 of w0001."


def test_hashtags_are_normalised_deduplicated_and_capped_at_five() -> None:
    tags = normalise_hashtags(["moon", "#Moon", "# nasa", "#", "a b", "#x", "#y", "#z", "#w"])

    assert tags == ("#moon", "#nasa", "#ab", "#x", "#y")


def test_repair_answer_keeps_the_good_and_names_what_it_dropped() -> None:
    answer = LlmClipList(clips=[proposed(100.0, 142.5), proposed(500.0, 540.0)])

    result = repair_answer(answer, [WINDOW], LIMITS)

    assert len(result.candidates) == 1
    assert [rejection.index for rejection in result.rejections] == [1]


def test_global_answers_are_judged_against_the_window_they_overlap_most() -> None:
    second = make_window("w0002", 210.0, [8.0] * 8)

    clip = repair_clip(proposed(211.0, 250.0), [WINDOW, second], LIMITS)

    assert clip.window_id == "w0002"
    assert clip.start_sec == 210.0


def candidate(start: float, end: float, score: float, window_id: str = "w1") -> Candidate:
    grades = (Grade.A, Grade.A, Grade.A, Grade.A)
    return Candidate(start, end, "t", "d", score, grades, "r", "h", ("#a",), window_id)


def test_overlapping_clips_keep_the_higher_score() -> None:
    kept = deduplicate(
        [candidate(100, 140, 6.0, "w1"), candidate(110, 150, 8.0, "w2"), candidate(300, 340, 5.0)]
    )

    assert [(clip.start_sec, clip.viral_score) for clip in kept] == [(110, 8.0), (300, 5.0)]


def test_a_small_overlap_is_not_a_duplicate() -> None:
    kept = deduplicate([candidate(100, 140, 6.0), candidate(135, 175, 7.0)])

    assert len(kept) == 2


def test_ranked_clips_have_deterministic_ids_and_ranks_by_score() -> None:
    clips = rank_clips(
        [candidate(300, 340, 5.0), candidate(100, 140, 9.0)],
        batch_id="b-1",
        video_id="v-1",
        language="id",
    )

    assert [clip.rank for clip in clips] == [1, 2]
    assert [clip.viral_score for clip in clips] == [9.0, 5.0]
    assert clips[0].clip_id == clip_id_for("b-1", 100, 140) == clip_id_for("b-1", 100.0, 140.001)
    assert clips[0].clip_id != clip_id_for("b-2", 100, 140)
    assert {clip.language for clip in clips} == {"id"}
    assert all(clip.status == "candidate" for clip in clips)


forgivable_grades = st.sampled_from([g.value for g in Grade] + ["a", "b−", "c+", " B "])
invalid_grades = st.sampled_from(["E", "", "A++", "G", "10"])
MOSTLY_REPAIRED = 0.8


@st.composite
def repairable_proposals(draw: st.DrawFn) -> tuple[LlmClip, ClipLimits]:
    """A clip a careless model might propose that repair can still save: off-grid times a little
    outside the window, a duration off the preset by up to a fifth, a score outside 0-10, odd grades."""
    timeframe_start = draw(st.floats(min_value=0, max_value=WINDOW.start_sec + 30))
    earliest = max(WINDOW.start_sec, timeframe_start) - 2.5
    start = draw(st.floats(min_value=earliest, max_value=WINDOW.end_sec - 60))
    length = draw(st.floats(min_value=27, max_value=75))
    end = min(start + length, WINDOW.end_sec + 2.5)
    grades = LlmGrades(hook=draw(forgivable_grades), flow="B", value=draw(forgivable_grades), trend="C+")
    score = draw(st.floats(min_value=-5, max_value=15))
    limits = ClipLimits(timeframe=(timeframe_start, 10_000.0), duration_bounds=(30.0, 60.0))
    return proposed(start, end, viral_score=score, grades=grades), limits


def test_every_repaired_clip_satisfies_the_contract() -> None:
    outcomes: Counter[str] = Counter()

    @settings(max_examples=300, deadline=None)
    @given(repairable_proposals())
    def repaired_clips_keep_the_contract(example: tuple[LlmClip, ClipLimits]) -> None:
        clip_in, limits = example
        try:
            clip = repair_clip(clip_in, [WINDOW], limits)
        except Rejected as rejected:
            outcomes["rejected"] += 1
            event(f"rejected: {str(rejected).split(':')[0]}")
            return
        outcomes["checked"] += 1
        event("reached the contract checks")
        target(clip.duration_sec, label="repaired duration")
        starts, ends = boundaries(WINDOW)
        assert clip.start_sec in starts
        assert clip.end_sec in ends
        assert WINDOW.start_sec <= clip.start_sec < clip.end_sec <= WINDOW.end_sec
        assert clip.start_sec >= limits.timeframe[0] - 0.01
        assert 30.0 * 0.8 <= clip.duration_sec <= 60.0 * 1.2
        assert 0.0 <= clip.viral_score <= 10.0
        assert round(clip.viral_score, 1) == clip.viral_score
        assert all(isinstance(grade, Grade) for grade in clip.grades)

    repaired_clips_keep_the_contract()

    examples = sum(outcomes.values())
    assert outcomes["checked"] >= MOSTLY_REPAIRED * examples, outcomes


DEFECTS: dict[str, tuple[str, Callable[[float], dict[str, object]]]] = {
    "not finite": (
        r"start_sec/end_sec: not a finite number",
        lambda x: {"start_sec": math.nan, "end_sec": 140.0 + x},
    ),
    "end before start": (
        r"end_sec 120\.00 is not after start_sec",
        lambda x: {"start_sec": 150.0 + x, "end_sec": 120.0},
    ),
    "far outside the window": (
        r"overlap none of the windows",
        lambda x: {"start_sec": 400.0 + x, "end_sec": 440.0 + x},
    ),
    "reaching outside": (r"reach outside window w0001", lambda x: {"start_sec": 90.0 - x, "end_sec": 130.0}),
    "too short": (r"shorter than 24s", lambda x: {"start_sec": 110.0, "end_sec": 110.0 + min(x, 12.0)}),
    "invalid grade": (
        r"grades\.hook: 'E' is not a letter grade",
        lambda x: {"grades": LlmGrades(hook="E", flow="B", value="A", trend="C")},
    ),
    "score not a number": (r"viral_score: not a finite number", lambda x: {"viral_score": math.nan}),
    "blank title": (r"title: empty", lambda x: {"title": " " * int(1 + x % 3)}),
}


@settings(max_examples=120, deadline=None)
@given(defect=st.sampled_from(sorted(DEFECTS)), amount=st.floats(min_value=4, max_value=40))
def test_an_unrepairable_clip_is_rejected_naming_what_is_wrong(defect: str, amount: float) -> None:
    reason, change = DEFECTS[defect]
    event(defect)
    clip = proposed(110.0, 150.0).model_copy(update=change(amount))

    with pytest.raises(Rejected, match=reason):
        repair_clip(clip, [WINDOW], LIMITS)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=500),
            st.floats(min_value=20, max_value=90),
            st.floats(min_value=0, max_value=10),
        ),
        max_size=15,
    )
)
def test_ranked_clips_never_overlap_by_more_than_half_and_scores_never_rise(
    spans: list[tuple[float, float, float]],
) -> None:
    clips = rank_clips(
        [candidate(round(s, 2), round(s + d, 2), round(v, 1)) for s, d, v in spans],
        batch_id="b",
        video_id="v",
        language="en",
    )

    scores = [clip.viral_score for clip in clips]
    assert scores == sorted(scores, reverse=True)
    assert len({clip.clip_id for clip in clips}) == len(clips)
    for index, first in enumerate(clips):
        for second in clips[index + 1 :]:
            overlap = min(first.end_time_sec, second.end_time_sec) - max(
                first.start_time_sec, second.start_time_sec
            )
            assert overlap <= 0.5 * min(first.duration_sec, second.duration_sec) + 0.01
