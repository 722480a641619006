"""The chunked strategy: transcript cut into consecutive chunks, each line sent once, windows as ranges."""

import itertools
import json
import uuid
from collections import Counter

import pytest

from viralclip_contracts import ClipBatchConfig, ScoringStrategy, WindowsReady
from viralclip_localstack.sample.bundled import sample_video
from viralclip_scoring.batch_scoring import BatchScorer
from viralclip_scoring.chunks import plan_chunks, transcript_lines
from viralclip_scoring.openai_provider import OpenAIProvider, make_openai_client
from viralclip_scoring.prompt import (
    MAX_CLIPS_GLOBAL,
    MAX_CLIPS_PER_WINDOW,
    VideoBrief,
    build_chunk_prompt,
    build_prompt,
)
from viralclip_scoring.strategy import plan_calls
from viralclip_testkit.responses_answers import (
    MAX_CLIPS,
    answer_text,
    clip_limit,
    is_chunk_prompt,
    parse_windows,
)
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_windowing.windows import plan_windows

from .test_scoring_handler import InMemoryRepository

VIDEO = sample_video(1800.0)
CONFIG = ClipBatchConfig(video_type="podcast", clip_length_preset="30-60s")
WINDOWS = plan_windows(VIDEO, CONFIG).windows
BRIEF = VideoBrief(title=VIDEO.title, summary=VIDEO.summary)
SPEAKERS = ("Pat Ryan", "Samuel Lawrence")


def test_chunks_are_consecutive_cut_at_sentence_ends_and_hold_every_line_once() -> None:
    chunks = plan_chunks(WINDOWS, span_sec=600.0)

    lines = transcript_lines(WINDOWS)
    assert len(chunks) == 3
    assert [line for chunk in chunks for line in chunk.lines] == list(lines)
    for chunk in chunks[:-1]:
        assert chunk.lines[-1].text.rstrip().endswith((".", "?", "!", "”"))
    lengths = [chunk.end_sec - chunk.start_sec for chunk in chunks]
    assert max(lengths) - min(lengths) < 60, lengths


def test_each_window_is_in_exactly_one_chunk_cut_to_its_lines() -> None:
    chunks = plan_chunks(WINDOWS, span_sec=600.0)

    assigned = Counter(window.window_id for chunk in chunks for window in chunk.windows)
    assert assigned == Counter(window.window_id for window in WINDOWS)
    for chunk in chunks:
        own = set(chunk.lines)
        for window in chunk.windows:
            assert window.transcript
            assert set(window.transcript) <= own


def test_context_comes_from_the_neighbours_and_stays_a_few_seconds() -> None:
    first, second, third = plan_chunks(WINDOWS, span_sec=600.0, context_sec=5.0)

    assert first.before == ()
    assert third.after == ()
    assert second.before
    assert set(second.before) <= set(first.lines)
    assert second.after
    assert set(second.after) <= set(third.lines)
    assert all(line.end_sec > second.start_sec - 5.0 for line in second.before)
    assert all(line.start_sec < second.end_sec + 5.0 for line in second.after)


def test_a_video_shorter_than_the_span_is_one_chunk_with_every_window() -> None:
    (plan,) = plan_calls(ScoringStrategy.CHUNKED, WINDOWS, chunk_sec=1800.0)

    assert plan.chunk is not None
    assert plan.key == "chunk-000"
    assert plan.windows == WINDOWS


def test_chunk_prompts_share_their_instructions_and_send_every_line_once() -> None:
    chunks = plan_chunks(WINDOWS, span_sec=600.0)

    prompts = [build_chunk_prompt(BRIEF, chunk, SPEAKERS, CONFIG, "en") for chunk in chunks]

    assert len({prompt.instructions for prompt in prompts}) == 1
    own_lines = [
        line
        for prompt in prompts
        for line in prompt.input.split("\nTranscript:\n")[1].splitlines()
        if not line.startswith("~")
    ]
    assert len(own_lines) == len(transcript_lines(WINDOWS))
    context = [line for prompt in prompts for line in prompt.input.splitlines() if line.startswith("~")]
    assert context, "the neighbours' lines are shown as context"
    transcript = sum(len(line.text) for line in transcript_lines(WINDOWS))
    sent = sum(len(prompt.instructions) + len(prompt.input) for prompt in prompts)
    assert sent / transcript < 1.35


def test_windows_are_listed_as_ranges_and_the_double_reads_them_back() -> None:
    chunk = plan_chunks(WINDOWS, span_sec=600.0)[1]
    prompt = build_chunk_prompt(BRIEF, chunk, SPEAKERS, CONFIG, "en")

    parsed = parse_windows(prompt.input)

    assert is_chunk_prompt(prompt.input)
    assert [w.window_id for w in parsed] == [w.window_id for w in chunk.windows]
    for found, window in zip(parsed, chunk.windows, strict=True):
        assert f"\n{window.window_id} " in prompt.input
        assert [round(line.start) for line in found.lines] == [round(s.start_sec) for s in window.transcript]
    assert "A: " in prompt.input or "B: " in prompt.input
    assert "Speakers: A Pat Ryan, B Samuel Lawrence" in prompt.input


def test_the_double_answers_a_chunk_with_clips_that_do_not_overlap() -> None:
    chunk = plan_chunks(WINDOWS, span_sec=600.0)[0]
    prompt = build_chunk_prompt(BRIEF, chunk, SPEAKERS, CONFIG, "en")

    clips = json.loads(answer_text(prompt.input, "ok"))["clips"]

    assert 0 < len(clips) < len(chunk.windows)
    spans = sorted((clip["start_sec"], clip["end_sec"]) for clip in clips)
    for (s1, e1), (s2, e2) in itertools.pairwise(spans):
        assert min(e1, e2) - max(s1, s2) <= 0.5 * min(e1 - s1, e2 - s2)


def test_the_double_keeps_to_the_clip_limit_the_instructions_state() -> None:
    """A long chunk of short windows is not capped at a fixed count: the chunk prompt allows a few clips
    per window, a global prompt a number in all, and the double answers within what the prompt says."""
    short = ClipBatchConfig(video_type="podcast", clip_length_preset="<30s")
    windows = plan_windows(VIDEO, short).windows
    chunk = plan_chunks(windows, span_sec=900.0)[0]
    chunk_prompt = build_chunk_prompt(BRIEF, chunk, SPEAKERS, short, "en")
    global_prompt = build_prompt(BRIEF, windows, short, "en", global_call=True)

    assert clip_limit(chunk_prompt.instructions, len(chunk.windows)) == MAX_CLIPS_PER_WINDOW * len(
        chunk.windows
    )
    assert clip_limit(global_prompt.instructions, len(windows)) == MAX_CLIPS_GLOBAL
    assert clip_limit("Find clips.", len(windows)) == MAX_CLIPS
    in_chunk = json.loads(answer_text(chunk_prompt.input, "ok", instructions=chunk_prompt.instructions))[
        "clips"
    ]
    in_all = json.loads(answer_text(global_prompt.input, "ok", instructions=global_prompt.instructions))[
        "clips"
    ]
    assert len(in_chunk) > MAX_CLIPS, "a 15-minute chunk of <30s windows holds more than 20 distinct moments"
    assert len(in_all) == MAX_CLIPS_GLOBAL


def event(strategy: str = "chunked") -> WindowsReady:
    return WindowsReady(
        batch_id=f"b-{uuid.uuid4().hex[:8]}",
        video_id="v-moon",
        job_id=f"j-{uuid.uuid4().hex[:8]}",
        producer="windowing",
        config=CONFIG.model_copy(update={"scoring_strategy": ScoringStrategy(strategy)}),
        language="en",
        windows=WINDOWS,
    )


@pytest.fixture
async def scorer(responses_double: ResponsesDouble) -> BatchScorer:
    client = make_openai_client(api_key="k", base_url=responses_double.base_url, timeout_sec=10.0)
    return BatchScorer(
        OpenAIProvider(client, timeout_sec=10.0), InMemoryRepository(), concurrency=4, chunk_sec=600.0
    )


async def test_a_chunked_batch_makes_one_call_per_chunk_and_reuses_them_on_redelivery(
    scorer: BatchScorer, responses_double: ResponsesDouble
) -> None:
    batch = event()

    first = await scorer.score(batch, BRIEF, VIDEO.duration_sec)
    calls = responses_double.call_count
    again = await scorer.score(batch, BRIEF, VIDEO.duration_sec)
    await scorer.provider.close()

    assert calls == 3
    assert responses_double.call_count == calls, "a re-delivery makes no second call"
    assert first.clips == again.clips
    assert len(first.clips) >= 10
    assert first.failure is None
    assert first.windows_failed == 0
    called = [window_id for call in responses_double.calls for window_id in call.window_ids]
    assert sorted(called) == sorted(window.window_id for window in WINDOWS)


async def test_a_failed_chunk_is_named_with_its_span_and_the_others_still_count(
    scorer: BatchScorer, responses_double: ResponsesDouble
) -> None:
    in_second = plan_chunks(WINDOWS, span_sec=600.0)[1].windows[0].window_id
    responses_double.script(Script(by_window={in_second: Behaviour(kind="server_error", status_code=400)}))

    outcome = await scorer.score(event(), BRIEF, VIDEO.duration_sec)
    await scorer.provider.close()

    assert outcome.failure is None
    assert outcome.clips
    (error,) = outcome.window_errors
    assert error.startswith("chunk-001 (")
    assert "OpenAI rejected the request (HTTP 400)" in error
    assert 0 < outcome.windows_failed < len(WINDOWS)


async def test_the_double_can_take_longer_for_a_longer_answer(responses_double: ResponsesDouble) -> None:
    responses_double.script(Script(default=Behaviour(latency_sec=0.01, latency_per_output_token_sec=1e-5)))
    client = make_openai_client(api_key="k", base_url=responses_double.base_url, timeout_sec=10.0)
    scorer = BatchScorer(OpenAIProvider(client, timeout_sec=10.0), InMemoryRepository(), chunk_sec=600.0)

    outcome = await scorer.score(event(), BRIEF, VIDEO.duration_sec)
    await client.close()

    assert outcome.clips
    latencies = [call.latency_sec for call in responses_double.calls]
    assert all(latency > 0.01 for latency in latencies)
    assert len(set(latencies)) > 1, "the delay follows each answer's length"


def test_a_batch_may_ask_for_the_chunked_strategy_by_name() -> None:
    config = ClipBatchConfig.model_validate({"scoring_strategy": "chunked"})

    assert config.scoring_strategy is ScoringStrategy.CHUNKED
