"""Clip batches over HTTP: creation with an outbox, idempotency keys, listing, finalize and retry."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import BATCH_CREATED, BatchCreated

pytestmark = pytest.mark.integration

NewVideo = Callable[..., Awaitable[dict[str, Any]]]
NewBatch = Callable[..., Awaitable[dict[str, Any]]]
BatchInState = Callable[..., Awaitable[dict[str, Any]]]


async def test_creating_a_batch_answers_202_at_once_and_publishes_batch_created(
    client: httpx.AsyncClient, new_video: NewVideo, shared_api: Any, events_of: Any, pipeline: Any
) -> None:
    video = await new_video()
    body = {
        "video_type": "podcast",
        "aspect_ratio": "1:1",
        "clip_length_preset": "30-60s",
        "subtitle_enabled": False,
        "processing_timeframe_start": 30,
        "processing_timeframe_end": 300,
        "include_specific_moments": "the water ice",
        "name": "first-run",
    }
    async with pipeline.probe() as probe:
        response = await client.post(f"/videos/{video['video_id']}/clip-batches", json=body)

        assert response.status_code == 202, response.text
        batch = response.json()
        assert response.headers["location"] == f"/viral-clip/clip-batches/{batch['batch_id']}"
        assert (batch["status"], batch["stage"], batch["progress"]) == ("draft", "queued", 0.0)
        assert batch["job_id"].startswith("j-")
        assert batch["config"]["processing_timeframe"] == {"start_sec": 30.0, "end_sec": 300.0}
        events = await events_of(probe, shared_api, BATCH_CREATED, batch_id=batch["batch_id"])
    event: BatchCreated = events[0]
    assert (event.job_id, event.video_id, event.producer) == (batch["job_id"], video["video_id"], "batch-api")
    assert event.config.aspect_ratio == "1:1"


async def test_the_same_idempotency_key_and_body_return_the_same_batch(
    client: httpx.AsyncClient, new_video: NewVideo, api_db: AsyncDatabase[dict[str, Any]]
) -> None:
    video = await new_video()
    url = f"/videos/{video['video_id']}/clip-batches"
    headers = {"Idempotency-Key": f"key-{video['video_id']}"}

    first = await client.post(url, json={"name": "once"}, headers=headers)
    second = await client.post(url, json={"name": "once"}, headers=headers)

    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["batch_id"] == second.json()["batch_id"]
    assert first.json()["job_id"] == second.json()["job_id"]
    assert second.headers["idempotent-replayed"] == "true"
    assert await api_db["clip_batches"].count_documents({"video_id": video["video_id"]}) == 1


async def test_a_reused_idempotency_key_with_another_body_is_a_422_naming_the_header(
    client: httpx.AsyncClient, new_video: NewVideo, api_db: AsyncDatabase[dict[str, Any]]
) -> None:
    video = await new_video()
    url = f"/videos/{video['video_id']}/clip-batches"
    headers = {"Idempotency-Key": f"key-{video['video_id']}"}
    assert (await client.post(url, json={"name": "a"}, headers=headers)).status_code == 202

    response = await client.post(url, json={"name": "b"}, headers=headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert await api_db["clip_batches"].count_documents({"video_id": video["video_id"]}) == 1


async def test_batches_of_a_video_are_listed_newest_first_and_paginated(
    client: httpx.AsyncClient, new_video: NewVideo
) -> None:
    video = await new_video()
    url = f"/videos/{video['video_id']}/clip-batches"
    ids = [(await client.post(url, json={"name": f"run-{n}"})).json()["batch_id"] for n in range(3)]

    page = (await client.get(url, params={"limit": 2})).json()
    rest = (await client.get(url, params={"limit": 2, "skip": 2})).json()

    assert page["count"] == rest["count"] == 3
    assert [b["batch_id"] for b in page["data"] + rest["data"]] == list(reversed(ids))
    assert [b["name"] for b in page["data"]] == ["run-2", "run-1"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"processing_timeframe_end": 900}, "processing_timeframe_end"),
        ({"processing_timeframe_start": 650}, "processing_timeframe_start"),
        ({"processing_timeframe_start": 100, "processing_timeframe_end": 50}, "processing_timeframe_end"),
        ({"aspect_ratio": "3:7"}, "aspect_ratio"),
        ({"video_type": "opera"}, "video_type"),
        ({"clip_length_preset": "forever"}, "clip_length_preset"),
        ({"webhook_url": "not a url"}, "webhook_url"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_batch_requests_are_422_naming_the_field(
    client: httpx.AsyncClient, new_video: NewVideo, body: dict[str, Any], field: str
) -> None:
    video = await new_video(duration_sec=600)

    response = await client.post(f"/videos/{video['video_id']}/clip-batches", json=body)

    assert response.status_code == 422, response.text
    assert field in response.json()["detail"][0]["loc"]


async def test_unknown_ids_are_404(client: httpx.AsyncClient) -> None:
    for method, path in [
        ("POST", "/videos/v-nope/clip-batches"),
        ("GET", "/videos/v-nope/clip-batches"),
        ("GET", "/clip-batches/b-nope"),
        ("GET", "/clip-batches/b-nope/events"),
        ("POST", "/clip-batches/b-nope/finalize"),
        ("POST", "/clip-batches/b-nope/retry"),
    ]:
        response = await client.request(method, path, json={} if method == "POST" else None)
        assert response.status_code == 404, (method, path, response.text)
        assert "not found" in response.json()["detail"]


async def test_finalize_needs_a_ready_batch(
    client: httpx.AsyncClient, new_batch: NewBatch, pipeline: Any, batch_in_state: BatchInState
) -> None:
    batch = await new_batch()
    url = f"/clip-batches/{batch['batch_id']}/finalize"

    early = await client.post(url)
    assert early.status_code == 409
    assert "ready" in early.json()["detail"]

    for event in (pipeline.windows(batch), pipeline.scored(batch), pipeline.thumbnails(batch)):
        await pipeline.publish(event)
    await batch_in_state(batch["batch_id"], status="ready")

    final = await client.post(url)
    assert final.status_code == 200
    assert final.json()["status"] == "final"
    assert (await client.get(f"/clip-batches/{batch['batch_id']}")).json()["status"] == "final"


async def test_retry_restarts_a_failed_batch_as_a_new_job_and_ignores_the_old_one(
    client: httpx.AsyncClient,
    new_batch: NewBatch,
    pipeline: Any,
    batch_in_state: BatchInState,
    shared_api: Any,
    events_of: Any,
) -> None:
    batch = await new_batch()
    url = f"/clip-batches/{batch['batch_id']}/retry"
    assert (await client.post(url)).status_code == 409  # still running

    await pipeline.publish(pipeline.failed(batch))
    failed = await batch_in_state(batch["batch_id"], status="failed")
    assert failed["error_message"] == "Scoring failed: LLM unreachable."

    async with pipeline.probe() as probe:
        response = await client.post(url)
        assert response.status_code == 202, response.text
        retried = response.json()
        assert retried["job_id"] != batch["job_id"]
        assert (retried["status"], retried["stage"], retried["error_message"]) == ("draft", "queued", None)
        events = await events_of(probe, shared_api, BATCH_CREATED, batch_id=batch["batch_id"], count=2)
    assert [e.job_id for e in events] == [batch["job_id"], retried["job_id"]]

    await pipeline.publish(pipeline.thumbnails(batch, job_id=batch["job_id"]))  # the old job: stale
    await pipeline.publish(pipeline.windows(batch, job_id=retried["job_id"]))
    current = await batch_in_state(batch["batch_id"], stage="scoring")
    assert (current["status"], current["job_id"]) == ("draft", retried["job_id"])


async def test_health_and_readiness(shared_api: Any) -> None:
    async with httpx.AsyncClient(base_url=shared_api.url) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        ready = await http.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "database": True, "broker": True, "background_tasks": True}
        assert (await http.get("/viral-clip/readyz")).status_code == 200


async def test_a_page_offset_past_what_the_database_can_count_is_422(
    client: httpx.AsyncClient, new_video: NewVideo
) -> None:
    video = await new_video()

    url = f"/videos/{video['video_id']}/clip-batches"

    response = await client.get(url, params={"skip": 2**64})
    deepest = await client.get(url, params={"skip": 2**63 - 1})

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", "skip"]
    assert (deepest.status_code, deepest.json()["data"]) == (200, [])
