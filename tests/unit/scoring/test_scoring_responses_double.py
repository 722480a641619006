"""The Responses double itself: steerable over HTTP, per window, with latency; runnable alone."""

import asyncio
import socket
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
from openai import AsyncOpenAI

from viralclip_contracts import ClipBatchConfig
from viralclip_scoring.llm_schema import LlmClipList
from viralclip_scoring.prompt import VideoBrief, build_prompt
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.responses_sample import sample_windows
from viralclip_testkit.waiting import eventually

WINDOWS = sample_windows(window_sec=60.0, max_duration_sec=300.0)


def prompt_input(window_count: int = 1, start: int = 0) -> str:
    windows = WINDOWS[start : start + window_count]
    return build_prompt(VideoBrief("t", "s"), windows, ClipBatchConfig(), "en", global_call=False).input


@pytest.fixture
async def client(responses_double: ResponsesDouble) -> AsyncIterator[AsyncOpenAI]:
    sdk_client = AsyncOpenAI(base_url=responses_double.base_url, api_key="k", max_retries=0, timeout=5)
    yield sdk_client
    await sdk_client.close()


async def ask(client: AsyncOpenAI, text: str) -> LlmClipList | None:
    response = await client.responses.parse(model="m", input=text, text_format=LlmClipList)
    return response.output_parsed


async def test_a_script_posted_over_http_steers_the_next_calls(
    client: AsyncOpenAI, responses_double: ResponsesDouble
) -> None:
    script = Script(queue=[Behaviour(kind="empty")], default=Behaviour(kind="out_of_range"))
    async with httpx.AsyncClient() as http:
        reply = await http.post(responses_double.control_url, json=script.model_dump(), timeout=5)
        reply.raise_for_status()

        first = await ask(client, prompt_input())
        second = await ask(client, prompt_input())
        calls = (await http.get(responses_double.control_url.replace("_control", "_calls"))).json()

    assert first is not None
    assert first.clips == []
    assert second is not None
    assert second.clips[0].viral_score == 12.5
    assert [call["kind"] for call in calls] == ["empty", "out_of_range"]


async def test_per_window_behaviour_applies_only_to_calls_covering_that_window(
    client: AsyncOpenAI, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(by_window={WINDOWS[1].window_id: Behaviour(kind="refusal")}))

    healthy = await ask(client, prompt_input(start=0))
    refused = await ask(client, prompt_input(start=1))

    assert healthy is not None
    assert healthy.clips
    assert refused is None
    assert [call.window_ids for call in responses_double.calls] == [
        [WINDOWS[0].window_id],
        [WINDOWS[1].window_id],
    ]


async def test_default_answers_hold_one_clip_per_window_inside_it(
    client: AsyncOpenAI, responses_double: ResponsesDouble
) -> None:
    answer = await ask(client, prompt_input(window_count=3))

    assert answer is not None
    assert len(answer.clips) == 3
    for clip, window in zip(answer.clips, WINDOWS[:3], strict=True):
        # the prompt gives times to the hundredth of a second, and so does the double
        assert window.start_sec - 0.01 <= clip.start_sec < clip.end_sec <= window.end_sec + 0.01
        assert any(abs(clip.start_sec - segment.start_sec) < 0.01 for segment in window.transcript)


async def test_latency_delays_each_answer(client: AsyncOpenAI, responses_double: ResponsesDouble) -> None:
    responses_double.script(Script(default=Behaviour(latency_sec=0.4)))

    await asyncio.gather(ask(client, prompt_input()), ask(client, prompt_input()))

    first, second = responses_double.calls
    assert first.answered_at is not None
    assert second.answered_at is not None
    assert first.answered_at - first.received_at >= 0.4
    assert second.answered_at - second.received_at >= 0.4
    assert second.received_at < first.answered_at, "the second call was taken while the first waited"


async def test_a_request_without_a_strict_schema_is_refused(
    client: AsyncOpenAI, responses_double: ResponsesDouble
) -> None:
    async with httpx.AsyncClient() as http:
        reply = await http.post(f"{responses_double.base_url}/responses", json={"model": "m", "input": "x"})

    assert reply.status_code == 400
    assert "strict json_schema" in reply.json()["error"]["message"]


async def test_the_double_runs_as_its_own_process() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "viralclip_testkit.responses_double",
        "--port",
        str(port),
        "--latency",
        "0.05",
        stdout=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:

            async def answers() -> bool:
                try:
                    return (await http.get("/_calls")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(answers, timeout=20, what="the double's process to answer")
            client = AsyncOpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="k", max_retries=0)
            answer = await ask(client, prompt_input())
            await client.close()
            calls = (await http.get("/_calls")).json()
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=10)

    assert answer is not None
    assert answer.clips
    assert len(calls) == 1
