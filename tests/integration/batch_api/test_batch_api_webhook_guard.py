"""Webhooks cannot be aimed inside the network: refused at creation, refused again at send time.

A real receiver listens on 127.0.0.1; the app under test allowlists only the host name
`receiver.test` (which the test's resolver maps to that receiver), so every other way of reaching
loopback — an IP literal, `localhost`, a name whose DNS answer changes after the check — must fail
without a single request arriving.
"""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from pymongo.asynchronous.database import AsyncDatabase
from standardwebhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from viralclip_batch_api.bootstrap import Ports
from viralclip_testkit.dns import ScriptedResolver
from viralclip_testkit.media import write_blank_video
from viralclip_testkit.waiting import eventually

from .conftest import WEBHOOK_SECRET, Pipeline, RunningApi, make_settings, serve_api

pytestmark = pytest.mark.integration

PUBLIC_ANSWER = "93.184.215.14"  # only ever a DNS answer here: nothing connects to it


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records every request it gets."""

    port: int = 0
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    async def _record(self, request: Request) -> Response:
        self.requests.append((request.url.path, dict(request.headers), await request.body()))
        if request.url.path == "/redirect":
            return RedirectResponse(f"http://127.0.0.1:{self.port}/elsewhere", status_code=307)
        return Response(status_code=204)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self._record, methods=["POST", "GET"])])


@contextlib.asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    server = uvicorn.Server(uvicorn.Config(receiver.app(), host="127.0.0.1", port=0, log_config=None))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    try:
        await eventually(started, timeout=30, what="the webhook receiver to start")
        receiver.port = server.servers[0].sockets[0].getsockname()[1]
        yield receiver
    finally:
        server.should_exit = True
        await task


@dataclass
class Guarded:
    api: RunningApi
    receiver: Receiver
    resolver: ScriptedResolver
    http: httpx.AsyncClient
    db: AsyncDatabase[dict[str, Any]]


@pytest.fixture(scope="module")
async def guarded(
    kafka_bootstrap: str, mongodb_uri: str, tmp_path_factory: pytest.TempPathFactory, mongo_client: Any
) -> AsyncIterator[Guarded]:
    resolver = ScriptedResolver(
        {
            "receiver.test": [["127.0.0.1"]],
            "rebind.test": [[PUBLIC_ANSWER], ["127.0.0.1"]],
            "inside.test": [["10.20.30.40"]],
        }
    )
    media_root: Path = tmp_path_factory.mktemp("media")
    settings = make_settings(
        kafka_bootstrap, mongodb_uri, media_root, webhook_allowed_destinations=["receiver.test"]
    )
    async with (
        running_receiver() as receiver,
        serve_api(settings, Ports(webhook_resolver=resolver)) as api,
        httpx.AsyncClient(base_url=api.api, timeout=30) as http,
    ):
        yield Guarded(api, receiver, resolver, http, mongo_client[settings.mongodb_database])
    await mongo_client.drop_database(settings.mongodb_database)


async def register_video(g: Guarded) -> str:
    video_id = f"v-{uuid.uuid4().hex[:10]}"
    videos = g.api.settings.media_root / "videos"
    videos.mkdir(exist_ok=True)
    await asyncio.to_thread(write_blank_video, videos / f"{video_id}.mp4", 600)
    body = {
        "video_id": video_id,
        "title": "Guarded",
        "media_path": f"videos/{video_id}.mp4",
        "duration_sec": 600,
        "transcript": [{"start_sec": 0, "end_sec": 20, "text": "Why the Moon?"}],
    }
    assert (await g.http.post("/videos", json=body)).status_code == 201
    return video_id


async def create_batch(g: Guarded, webhook_url: str) -> httpx.Response:
    video_id = await register_video(g)
    return await g.http.post(f"/videos/{video_id}/clip-batches", json={"webhook_url": webhook_url})


async def delivery_after_failing(g: Guarded, batch: dict[str, Any]) -> dict[str, Any]:
    await Pipeline(g.api).publish(Pipeline(g.api).failed(batch))

    async def ended() -> dict[str, Any] | None:
        query = {"batch_id": batch["batch_id"], "status": {"$ne": "pending"}}
        found: dict[str, Any] | None = await g.db["webhook_deliveries"].find_one(query)
        return found

    delivery = await eventually(ended, timeout=60, what=f"the webhook delivery of {batch['batch_id']}")
    assert delivery is not None
    return delivery


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("http://127.0.0.1:{port}/internal", "loopback"),
        ("http://localhost:{port}/x", "loopback"),
        ("http://[::1]:{port}/v6", "loopback"),
        ("http://2130706433:{port}/decimal", "loopback"),
        ("http://0x7f.0.0.1:{port}/hex", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/mapped", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://192.168.0.10/router", "private"),
        ("http://inside.test/hook", "10.20.30.40, a private"),
    ],
)
async def test_a_webhook_inside_the_network_is_refused_at_creation(
    guarded: Guarded, template: str, reason: str
) -> None:
    response = await create_batch(guarded, template.format(port=guarded.receiver.port))

    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "webhook_url"]
    assert reason in error["msg"]
    assert guarded.receiver.requests == []


async def test_a_host_that_does_not_resolve_is_refused_at_creation(guarded: Guarded) -> None:
    response = await create_batch(guarded, "https://no-such-host.test/hook")

    assert response.status_code == 422
    assert "could not be resolved" in response.json()["detail"][0]["msg"]


async def test_a_dns_answer_that_changes_after_creation_is_refused_at_send_and_not_retried(
    guarded: Guarded,
) -> None:
    response = await create_batch(guarded, f"http://rebind.test:{guarded.receiver.port}/hook")
    assert response.status_code == 202, response.text

    delivery = await delivery_after_failing(guarded, response.json())

    assert delivery["status"] == "refused"
    (attempt,) = delivery["attempts"]
    assert "rebind.test resolves to 127.0.0.1, a loopback address" in attempt["error"]
    assert [path for path, _, _ in guarded.receiver.requests] == []


async def test_an_allowlisted_receiver_gets_a_delivery_the_standard_library_verifies(
    guarded: Guarded,
) -> None:
    response = await create_batch(guarded, f"http://receiver.test:{guarded.receiver.port}/hook")
    assert response.status_code == 202, response.text
    batch = response.json()

    delivery = await delivery_after_failing(guarded, batch)

    assert delivery["status"] == "delivered"
    headers, body = next((h, b) for path, h, b in guarded.receiver.requests if path == "/hook")
    assert headers["host"] == f"receiver.test:{guarded.receiver.port}"
    summary = Webhook(WEBHOOK_SECRET.encode()).verify(body, headers)
    assert (summary["batch_id"], summary["event"]) == (batch["batch_id"], "clip_batch.failed")
    assert headers["webhook-id"] == delivery["_id"]


async def test_a_redirect_is_not_followed_and_ends_the_delivery(guarded: Guarded) -> None:
    response = await create_batch(guarded, f"http://receiver.test:{guarded.receiver.port}/redirect")
    assert response.status_code == 202, response.text

    delivery = await delivery_after_failing(guarded, response.json())

    assert delivery["status"] == "failed"
    (attempt,) = delivery["attempts"]
    assert attempt["status_code"] == 307
    assert "not followed" in attempt["error"]
    assert "/elsewhere" not in [path for path, _, _ in guarded.receiver.requests]
