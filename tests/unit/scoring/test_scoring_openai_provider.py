"""The OpenAI provider through the real `openai` SDK against the local Responses double."""

import socket
import time
from collections.abc import AsyncIterator

import pytest
from openai import AsyncOpenAI

from viralclip_contracts import ClipBatchConfig
from viralclip_runtime import RetryPolicy
from viralclip_scoring.openai_provider import DEFAULT_MODEL, OpenAIProvider, make_openai_client, redact
from viralclip_scoring.prompt import VideoBrief, build_prompt
from viralclip_scoring.providers import HeuristicProvider, ProviderFailure, ScoringCall
from viralclip_scoring.validate import ClipLimits, repair_answer
from viralclip_testkit.responses_double import Behaviour, Kind, ResponsesDouble, Script
from viralclip_testkit.responses_sample import sample_windows

API_KEY = "sk-test-0123456789abcdef"
CONFIG = ClipBatchConfig(video_type="podcast", clip_length_preset="30-60s")
WINDOWS = sample_windows(window_sec=75.0, max_duration_sec=400.0)[:2]
LIMITS = ClipLimits(timeframe=(0.0, 400.0), duration_bounds=(30.0, 60.0))


def call_for(window_index: int = 0) -> ScoringCall:
    window = WINDOWS[window_index]
    prompt = build_prompt(VideoBrief("Moon", "Why the Moon."), [window], CONFIG, "en", global_call=False)
    return ScoringCall(key=window.window_id, windows=(window,), config=CONFIG, language="en", prompt=prompt)


class RecordedSleep:
    """Records each requested delay instead of waiting it out."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
async def client(responses_double: ResponsesDouble) -> AsyncIterator[AsyncOpenAI]:
    sdk_client = make_openai_client(api_key=API_KEY, base_url=responses_double.base_url, timeout_sec=5.0)
    yield sdk_client
    await sdk_client.close()


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def provider(client: AsyncOpenAI, sleep: RecordedSleep) -> OpenAIProvider:
    policy = RetryPolicy(max_attempts=5, base_delay_sec=0.2, max_delay_sec=4.0, jitter=0.5)
    return OpenAIProvider(client, timeout_sec=5.0, retry=policy, secret=API_KEY, sleep=sleep)


async def test_a_healthy_call_returns_clips_inside_the_window_with_usage(
    provider: OpenAIProvider, responses_double: ResponsesDouble
) -> None:
    answer = await provider.propose(call_for(0))

    assert answer.answer.clips
    assert all(
        WINDOWS[0].start_sec <= c.start_sec < c.end_sec <= WINDOWS[0].end_sec for c in answer.answer.clips
    )
    assert answer.model == DEFAULT_MODEL
    assert answer.usage is not None
    assert answer.usage.total_tokens > 0
    assert answer.attempts == 1
    assert '"output_text"' in answer.raw_response
    (recorded,) = responses_double.calls
    assert recorded.schema_name == "LlmClipList"
    assert recorded.window_ids == [WINDOWS[0].window_id]
    assert recorded.instructions == call_for(0).prompt.instructions


async def test_a_rate_limit_is_retried_after_the_servers_retry_after(
    provider: OpenAIProvider, responses_double: ResponsesDouble, sleep: RecordedSleep
) -> None:
    responses_double.script(Script(queue=[Behaviour(kind="rate_limit", retry_after_sec=3.0)]))

    answer = await provider.propose(call_for())

    assert answer.attempts == 2
    assert responses_double.call_count == 2
    assert sleep.delays == [3.0]


async def test_a_persistent_rate_limit_fails_after_five_attempts_with_a_readable_message(
    provider: OpenAIProvider, responses_double: ResponsesDouble, sleep: RecordedSleep
) -> None:
    responses_double.script(Script(default=Behaviour(kind="rate_limit", retry_after_sec=None)))

    with pytest.raises(ProviderFailure) as failure:
        await provider.propose(call_for())

    assert str(failure.value) == "OpenAI rate limit: retries exhausted after 5 attempts"
    assert failure.value.kind == "rate_limit"
    assert responses_double.call_count == 5
    assert len(sleep.delays) == 4
    assert sleep.delays == sorted(sleep.delays), "backoff grows"
    assert sleep.delays[-1] >= 4 * 0.2 * 0.5


async def test_server_errors_are_retried_and_then_reported_with_their_status(
    provider: OpenAIProvider, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(queue=[Behaviour(kind="server_error", status_code=503)]))
    recovered = await provider.propose(call_for())
    responses_double.script(Script(default=Behaviour(kind="server_error")), reset_calls=True)

    with pytest.raises(
        ProviderFailure, match=r"^OpenAI server error \(HTTP 500\): retries exhausted after 5"
    ):
        await provider.propose(call_for())

    assert recovered.attempts == 2
    assert responses_double.call_count == 5


async def test_a_call_hanging_past_the_timeout_is_abandoned_and_retried(
    client: AsyncOpenAI, responses_double: ResponsesDouble, sleep: RecordedSleep
) -> None:
    responses_double.script(Script(default=Behaviour(kind="hang", hang_sec=30.0)))
    provider = OpenAIProvider(client, timeout_sec=0.5, retry=RetryPolicy(max_attempts=2), sleep=sleep)

    started = time.monotonic()
    with pytest.raises(ProviderFailure, match=r"timed out after 0.5 s: retries exhausted after 2 attempts"):
        await provider.propose(call_for())

    assert time.monotonic() - started < 5.0
    assert responses_double.call_count == 2


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("malformed_json", "OpenAI answer did not match the clip schema (2 attempts)"),
        ("truncated", "OpenAI answer was cut off (max_output_tokens) (2 attempts)"),
        ("refusal", "OpenAI refused to answer: I'm sorry, but I can't help with that request. (2 attempts)"),
    ],
)
async def test_an_unusable_answer_is_retried_once_then_fails_the_window(
    provider: OpenAIProvider, responses_double: ResponsesDouble, kind: Kind, message: str
) -> None:
    responses_double.script(Script(default=Behaviour(kind=kind)))

    with pytest.raises(ProviderFailure) as failure:
        await provider.propose(call_for())

    assert str(failure.value) == message
    assert responses_double.call_count == 2
    assert failure.value.raw_response


async def test_one_malformed_answer_is_forgiven_when_the_retry_parses(
    provider: OpenAIProvider, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(queue=[Behaviour(kind="malformed_json")]))

    answer = await provider.propose(call_for())

    assert answer.attempts == 2
    assert answer.answer.clips


async def test_out_of_range_scores_are_clamped_by_repair(
    provider: OpenAIProvider, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(default=Behaviour(kind="out_of_range")))
    global_prompt = build_prompt(VideoBrief("Moon", ""), WINDOWS, CONFIG, "en", global_call=True)
    call = ScoringCall(key="global", windows=WINDOWS, config=CONFIG, language="en", prompt=global_prompt)

    answer = await provider.propose(call)
    repaired = repair_answer(answer.answer, WINDOWS, LIMITS)

    assert sorted(c.viral_score for c in answer.answer.clips) == [-3.0, 12.5]
    assert sorted(c.viral_score for c in repaired.candidates) == [0.0, 10.0]


async def test_clips_outside_the_window_are_dropped_by_repair(
    provider: OpenAIProvider, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(default=Behaviour(kind="outside_window")))

    answer = await provider.propose(call_for(0))
    repaired = repair_answer(answer.answer, WINDOWS[:1], LIMITS)

    assert answer.answer.clips
    assert repaired.candidates == ()
    assert all("overlap none of the windows" in r.reason for r in repaired.rejections)


async def test_a_rejected_key_fails_at_once_without_echoing_the_key(
    provider: OpenAIProvider, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(expected_api_key="sk-the-right-one-123456"))

    with pytest.raises(ProviderFailure) as failure:
        await provider.propose(call_for())

    assert responses_double.call_count == 0, "the double refuses before recording"
    assert "HTTP 401" in str(failure.value)
    assert API_KEY not in str(failure.value)
    assert failure.value.attempts == 1


async def test_an_unreachable_server_fails_as_a_connection_error(sleep: RecordedSleep) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_openai_client(api_key=API_KEY, base_url=f"http://127.0.0.1:{port}/v1", timeout_sec=2.0)
    provider = OpenAIProvider(client, timeout_sec=2.0, retry=RetryPolicy(max_attempts=3), sleep=sleep)

    with pytest.raises(
        ProviderFailure, match=r"^OpenAI connection failed: retries exhausted after 3 attempts$"
    ):
        await provider.propose(call_for())
    await client.close()


async def test_the_heuristic_provider_answers_in_the_same_shape_offline() -> None:
    answer = await HeuristicProvider().propose(call_for(0))

    assert answer.model == "viralclip-heuristic-v1"
    assert len(answer.answer.clips) == 1
    assert repair_answer(answer.answer, WINDOWS[:1], LIMITS).candidates


def test_secrets_and_key_shaped_strings_are_masked() -> None:
    text = "Incorrect API key provided: sk-proj-abcdef123456. Also my-secret-token."

    masked = redact(text, secret="my-secret-token")

    assert "abcdef123456" not in masked
    assert "my-secret-token" not in masked
    assert "sk-[redacted]" in masked
