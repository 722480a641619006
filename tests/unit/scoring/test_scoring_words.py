"""Properties of issue 14 for the scorer's repair: a repaired clip starts and ends between words, on whole
sentences, at the sentence boundary nearest to what was proposed, and inside the processing timeframe.

Windows come from `viralclip_testkit.speech` (known words and sentences; cues that end mid-sentence or
hold several sentences), with the words given (ASR) or left to be estimated.
"""

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from viralclip_contracts import ClipLengthPreset, TranscriptSegment, Window, Word
from viralclip_scoring.llm_schema import LlmClip, LlmGrades
from viralclip_scoring.validate import ClipLimits, Rejected, repair_clip
from viralclip_testkit.speech import SpokenTranscript, sentences_of, spoken_transcript
from viralclip_transcripts import estimate_words

PROPERTIES = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
EPSILON = 1e-6

sentence_plans = st.tuples(
    st.integers(3, 14),
    st.floats(0.1, 0.55).map(lambda x: round(x, 2)),
    st.one_of(st.just(0.05), st.floats(0.1, 4.0)).map(lambda x: round(x, 2)),
)


@st.composite
def windows(draw: st.DrawFn) -> tuple[Window, list[Word], list[tuple[float, float]]]:
    measured = draw(st.booleans())
    spoken: SpokenTranscript = spoken_transcript(
        draw(st.lists(sentence_plans, min_size=12, max_size=60)),
        draw(st.lists(st.integers(1, 60), min_size=1, max_size=6)),
        start=draw(st.floats(0.0, 500.0).map(lambda x: round(x, 2))),
        measured=measured,
    )
    segments: tuple[TranscriptSegment, ...] = spoken.segments
    words = list(spoken.words) if measured else [w for s in segments for w in estimate_words(s)]
    window = Window(
        window_id="w0000",
        start_sec=segments[0].start_sec,
        end_sec=segments[-1].end_sec,
        scene_ids=("s0",),
        transcript=segments,
    )
    return window, words, sentences_of(words)


def _proposal(start: float, end: float) -> LlmClip:
    return LlmClip(
        start_sec=start,
        end_sec=end,
        title="A moment",
        description="",
        viral_score=7.0,
        grades=LlmGrades(hook="A", flow="B", value="B", trend="C"),
        viral_reason="",
        hook="",
        hashtags=[],
    )


@PROPERTIES
@given(
    windows(),
    st.floats(0.0, 1.0),
    st.floats(0.6, 1.5),
    st.sampled_from(list(ClipLengthPreset)),
    st.floats(0.0, 0.3),
    st.floats(0.7, 1.0),
)
def test_a_repaired_clip_starts_and_ends_on_whole_sentences_nearest_to_the_proposal(
    case: tuple[Window, list[Word], list[tuple[float, float]]],
    start_share: float,
    length_share: float,
    preset: ClipLengthPreset,
    frame_low: float,
    frame_high: float,
) -> None:
    window, words, sentences = case
    span = window.end_sec - window.start_sec
    low, high = preset.bounds_sec
    assume(span >= low)
    proposed_start = window.start_sec + start_share * (span - low)
    proposed_end = min(proposed_start + length_share * (low + high) / 2, window.end_sec + 2.0)
    timeframe = (window.start_sec + frame_low * span, window.start_sec + frame_high * span)
    limits = ClipLimits(timeframe=timeframe, duration_bounds=preset.bounds_sec)
    try:
        clip = repair_clip(_proposal(proposed_start, proposed_end), [window], limits)
    except Rejected:
        assume(False)
        return
    starts = [a for a, _ in sentences]
    ends = [b for _, b in sentences]
    assert not any(w.start_sec < t < w.end_sec for w in words for t in (clip.start_sec, clip.end_sec))
    assert clip.start_sec in starts
    assert clip.end_sec in ends
    assert timeframe[0] - 0.01 <= clip.start_sec < clip.end_sec <= timeframe[1] + 0.01
    eligible = [a for a, b in sentences if a >= timeframe[0] - 0.01 and b <= timeframe[1] + 0.01]
    # never mid-sentence, and no sentence start inside the timeframe is nearer to the proposal
    assert abs(clip.start_sec - proposed_start) <= min(abs(a - proposed_start) for a in eligible) + EPSILON
