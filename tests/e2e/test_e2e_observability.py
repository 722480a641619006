"""What an operator relies on: every service's /metrics moves while a batch runs, and the trace id a
client sends with the POST shows up in the logs of all four pipeline services."""

import json
import secrets

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from viralclip_contracts import Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.system import RunningSystem
from viralclip_testkit.waiting import eventually

pytestmark = pytest.mark.e2e

#: per service, a counter that must grow while one batch runs through it
MOVING: dict[str, str] = {
    "batch-api": "faststream_received_processed_messages_total",
    "windowing": "faststream_received_processed_messages_total",
    "scoring": "viralclip_llm_calls_total",
    "thumbnail": "viralclip_ffmpeg_run_seconds_count",
}


async def samples(system: RunningSystem, service: str, name: str) -> list[Sample]:
    """Every series of metric sample `name` that `service` exposes now."""
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{system.fleet.url(service)}/metrics", timeout=10)
    response.raise_for_status()
    return [
        sample
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == name
    ]


async def scrape(system: RunningSystem, service: str, name: str) -> float:
    """The sum of every series of metric sample `name` on `service`."""
    return sum(sample.value for sample in await samples(system, service, name))


async def test_metrics_move_and_a_posted_trace_id_reaches_every_service(
    system: RunningSystem, api: ViralclipClient, video: Video
) -> None:
    before = {service: await scrape(system, service, name) for service, name in MOVING.items()}
    trace_id = secrets.token_hex(16)
    response = await api.http.post(
        f"/videos/{video.video_id}/clip-batches",
        json={"clip_length_preset": "30-60s"},
        headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
    )
    assert response.status_code == 202, response.text
    batch = await api.wait_until_done(response.json()["batch_id"])
    assert batch["status"] == "ready"

    for service, name in MOVING.items():
        after = await scrape(system, service, name)
        assert after > before[service], f"{service}: {name} did not move ({before[service]} → {after})"
    statuses = {
        sample.labels["status"]: sample.value
        for sample in await samples(system, "batch-api", "viralclip_batches")
    }
    assert statuses.get("ready", 0) >= 1

    async def traced_everywhere() -> bool:
        return all(_logged_with_trace(system.log(service), trace_id) for service in MOVING)

    await eventually(traced_everywhere, timeout=30, what=f"trace {trace_id} in every service's log")


def _logged_with_trace(log: str, trace_id: str) -> bool:
    for line in log.splitlines():
        if trace_id not in line:
            continue
        try:
            if json.loads(line).get("trace_id") == trace_id:
                return True
        except json.JSONDecodeError:
            continue
    return False
