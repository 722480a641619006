"""When every LLM call fails the batch fails with a readable error, and the scoring worker lives on."""

from typing import Any

import httpx
import pytest

from viralclip_contracts import Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.system import RunningSystem

pytestmark = pytest.mark.e2e

CONFIG: dict[str, Any] = {"video_type": "podcast", "clip_length_preset": "30-60s"}


async def _scoring_answers(system: RunningSystem) -> bool:
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(f"{system.fleet.url('scoring')}/healthz")
        return response.status_code == 200


async def test_a_failing_llm_fails_the_batch_and_the_next_batch_on_the_same_worker_succeeds(
    api: ViralclipClient, video: Video, system: RunningSystem, responses_double: ResponsesDouble
) -> None:
    scoring = system.fleet.children["scoring"]
    pid = scoring.pid
    responses_double.script(Script(default=Behaviour(kind="server_error", status_code=500)))

    failing = await api.create_batch(video.video_id, **CONFIG)
    failed = await api.wait_until_done(failing["batch_id"], timeout=180)

    assert failed["status"] == "failed"
    assert failed["error_message"]
    assert "e2e-test-key" not in failed["error_message"]
    assert responses_double.call_count > 0
    assert scoring.alive()
    assert scoring.pid == pid
    assert await _scoring_answers(system)

    responses_double.script(None)
    recovered = await api.create_batch(video.video_id, **CONFIG)
    ready = await api.wait_until_done(recovered["batch_id"], timeout=180)

    assert ready["status"] == "ready", ready.get("error_message")
    assert await api.clips(recovered["batch_id"])
    assert scoring.pid == pid
