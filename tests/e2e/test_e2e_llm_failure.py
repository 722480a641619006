"""When every LLM call fails the batch fails with a readable error, and the scoring worker lives on.

The double checks the scorer really sends the API key, and quotes it back in every error body (as
careless servers do): the key must then appear nowhere the system writes — the batch, the services'
logs, the events of the batch, the stored LLM exchanges.
"""

import json
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from viralclip_contracts import PIPELINE_TOPICS, Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.kafka_probe import read_all
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.system import RunningSystem

pytestmark = pytest.mark.e2e

CONFIG: dict[str, Any] = {"video_type": "podcast", "clip_length_preset": "30-60s"}


async def _scoring_answers(system: RunningSystem) -> bool:
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(f"{system.fleet.url('scoring')}/healthz")
        return response.status_code == 200


async def _stored_exchanges(system: RunningSystem, batch_id: str) -> list[dict[str, Any]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(system.env["MONGODB_URI"])
    try:
        contexts = client["viralclip"]["clip_llm_contexts"]
        return await contexts.find({"batch_id": batch_id}).to_list(None)
    finally:
        await client.close()


async def test_a_failing_llm_fails_the_batch_and_the_next_batch_on_the_same_worker_succeeds(
    api: ViralclipClient, video: Video, system: RunningSystem, responses_double: ResponsesDouble
) -> None:
    api_key = system.env["OPENAI_API_KEY"]
    scoring = system.fleet.children["scoring"]
    pid = scoring.pid
    failing_llm = Behaviour(kind="server_error", status_code=500, echo_authorization=True)
    responses_double.script(Script(default=failing_llm, expected_api_key=api_key), reset_calls=True)

    failing = await api.create_batch(video.video_id, **CONFIG)
    failed = await api.wait_until_done(failing["batch_id"], timeout=180)

    calls = responses_double.calls
    assert calls, "the scorer called the LLM for this batch"
    assert {call.authorization for call in calls} == {f"Bearer {api_key}"}
    assert {call.kind for call in calls} == {"server_error"}
    assert (failed["status"], failed["stage"]) == ("failed", "scoring")
    assert "OpenAI server error (HTTP 500)" in failed["error_message"]
    everything_written = {
        "the batch": json.dumps(failed),
        **{f"the {name} log": system.log(name) for name in system.fleet.children},
        "the batch's events": "\n".join(
            record.value.decode(errors="replace")
            for record in await read_all(system.kafka_bootstrap, PIPELINE_TOPICS)
            if record.key == failing["batch_id"].encode()
        ),
        "the stored exchanges": json.dumps(await _stored_exchanges(system, failing["batch_id"]), default=str),
    }
    assert everything_written["the stored exchanges"] != "[]", "the failed exchanges were stored"
    leaks = [where for where, text in everything_written.items() if api_key in text]
    assert leaks == [], f"the API key appears in {leaks}"
    assert scoring.alive()
    assert scoring.pid == pid
    assert await _scoring_answers(system)

    responses_double.script(None, reset_calls=True)
    recovered = await api.create_batch(video.video_id, **CONFIG)
    ready = await api.wait_until_done(recovered["batch_id"], timeout=180)

    assert ready["status"] == "ready", ready.get("error_message")
    assert await api.clips(recovered["batch_id"])
    assert responses_double.call_count > 0
    assert scoring.pid == pid
