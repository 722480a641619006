"""batch-api over the real protocols: the app served by uvicorn on loopback, a database and topics of its own.

One shared app serves most tests (a consumer-group join costs seconds on the embedded broker); tests that
need their own settings (auth, outbox crash) start their own with `serve_api`.
"""

import asyncio
import contextlib
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from viralclip_batch_api.api.app import create_app
from viralclip_batch_api.bootstrap import Ports
from viralclip_batch_api.settings import BatchApiSettings
from viralclip_contracts import (
    BATCH_CREATED,
    EVENT_BY_TOPIC,
    BatchCreated,
    BatchFailed,
    Clip,
    ClipBatchConfig,
    ClipsScored,
    Event,
    Grade,
    Stage,
    ThumbnailsDone,
    Window,
    WindowsReady,
)
from viralclip_testkit.dns import static_resolver
from viralclip_testkit.kafka_probe import TopicProbe, publish_event, topic_probe
from viralclip_testkit.media import write_blank_video
from viralclip_testkit.waiting import eventually

WEBHOOK_SECRET = "whsec-test-0123456789abcdef"


def make_settings(kafka: str, mongodb: str, media_root: Path, **overrides: Any) -> BatchApiSettings:
    """Settings of a test app: its own database and topic names, fast polling."""
    suffix = f".t{uuid.uuid4().hex[:8]}"
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": kafka,
        "mongodb_uri": mongodb,
        "mongodb_database": f"test_api_{uuid.uuid4().hex[:10]}",
        "media_root": media_root,
        "topic_suffix": suffix,
        "topic_partitions": 2,
        "log_format": "text",
        "poll_interval_sec": 0.1,
        "sse_refresh_sec": 0.2,
        "webhook_base_delay_sec": 0.05,
        "webhook_max_attempts": 4,
        "webhook_secret": WEBHOOK_SECRET,
        **overrides,
    }
    return BatchApiSettings(**values)


@dataclass
class RunningApi:
    url: str
    settings: BatchApiSettings

    @property
    def api(self) -> str:
        return f"{self.url}/viral-clip"

    def topic(self, name: str) -> str:
        return self.settings.topic(name)


@contextlib.asynccontextmanager
async def serve_api(settings: BatchApiSettings, ports: Ports | None = None) -> AsyncIterator[RunningApi]:
    """The app under uvicorn on 127.0.0.1 and a free port, lifespan included."""
    config = uvicorn.Config(
        create_app(settings, ports), host="127.0.0.1", port=0, log_config=None, lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        if task.done():
            raise RuntimeError("the API did not start") from task.exception()
        return server.started

    try:
        await eventually(started, timeout=90, what="the API to start")
        port = server.servers[0].sockets[0].getsockname()[1]
        yield RunningApi(url=f"http://127.0.0.1:{port}", settings=settings)
    finally:
        server.should_exit = True
        await task


class WebhookReceiver:
    """A webhook endpoint that answers 503 to the first `failures` attempts of each delivery."""

    def __init__(self, failures: int = 2) -> None:
        self.failures = failures
        self.requests: list[tuple[dict[str, str], bytes]] = []

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        self.requests.append((dict(request.headers), body))
        delivery = request.headers.get("x-viralclip-delivery", "")
        seen = sum(1 for headers, _ in self.requests if headers.get("x-viralclip-delivery") == delivery)
        return Response(status_code=503 if seen <= self.failures else 204)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hook", self._hook, methods=["POST"])])


@pytest.fixture(name="make_settings", scope="session")
def make_settings_fixture() -> Callable[..., BatchApiSettings]:
    return make_settings


@pytest.fixture(name="serve_api", scope="session")
def serve_api_fixture() -> Callable[..., contextlib.AbstractAsyncContextManager[RunningApi]]:
    return serve_api


@pytest.fixture(scope="session")
def webhook_receiver() -> WebhookReceiver:
    return WebhookReceiver(failures=2)


@pytest.fixture(scope="session")
async def shared_api(
    kafka_bootstrap: str,
    mongodb_uri: str,
    mongo_client: AsyncMongoClient[dict[str, object]],
    tmp_path_factory: pytest.TempPathFactory,
    webhook_receiver: WebhookReceiver,
) -> AsyncIterator[RunningApi]:
    settings = make_settings(
        kafka_bootstrap,
        mongodb_uri,
        tmp_path_factory.mktemp("media"),
        webhook_allowed_destinations=["127.0.0.1/32"],
    )
    ports = Ports(
        webhook_transport=httpx.ASGITransport(app=webhook_receiver.app()),
        webhook_resolver=static_resolver({"hooks.test": "127.0.0.1"}),
    )
    async with serve_api(settings, ports) as running:
        yield running
    await mongo_client.drop_database(settings.mongodb_database)


@pytest.fixture
async def client(shared_api: RunningApi) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=shared_api.api, timeout=30) as http:
        yield http


@pytest.fixture
def api_db(
    shared_api: RunningApi, mongo_client: AsyncMongoClient[dict[str, object]]
) -> AsyncDatabase[dict[str, Any]]:
    """The shared app's database, to seed what other services write (clips) and to check writes."""
    return mongo_client[shared_api.settings.mongodb_database]  # type: ignore[return-value]


@pytest.fixture
def media_root(shared_api: RunningApi) -> Path:
    return shared_api.settings.media_root


@pytest.fixture
def new_video(client: httpx.AsyncClient, media_root: Path) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Register a video (a blank video file of `duration_sec`, the duration given) and return its JSON."""

    async def register(duration_sec: float = 600.0, **overrides: Any) -> dict[str, Any]:
        video_id = f"v-{uuid.uuid4().hex[:10]}"
        (media_root / "videos").mkdir(exist_ok=True)
        blank = media_root / "blank" / f"{duration_sec:g}s.mp4"
        if not blank.exists():
            await asyncio.to_thread(write_blank_video, blank, duration_sec)
        shutil.copyfile(blank, media_root / "videos" / f"{video_id}.mp4")  # a test may overwrite its own
        body = {
            "video_id": video_id,
            "title": "The Value of the Moon",
            "media_path": f"videos/{video_id}.mp4",
            "duration_sec": duration_sec,
            "transcript": [
                {"start_sec": 0, "end_sec": 20, "text": "Why the Moon?"},
                {"start_sec": 20, "end_sec": 50, "text": "Because it is close."},
                {"start_sec": 50, "end_sec": 90, "text": "And it has water ice."},
            ],
            "scenes": [{"scene_id": "s0", "start_sec": 0, "end_sec": 60}],
            **overrides,
        }
        response = await client.post("/videos", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return register


class Pipeline:
    """Builds and publishes the events the pipeline stages would, on the shared app's topics."""

    def __init__(self, running: RunningApi) -> None:
        self.running = running

    @staticmethod
    def _base(batch: dict[str, Any], job_id: str | None) -> dict[str, Any]:
        return {
            "batch_id": batch["batch_id"],
            "video_id": batch["video_id"],
            "job_id": job_id or batch["job_id"],
            "producer": "test",
        }

    def clip(self, batch: dict[str, Any], rank: int, *, score: float = 7.0, start: float = 0.0) -> Clip:
        return Clip(
            clip_id=f"c-{uuid.uuid4().hex[:12]}",
            clip_batch_id=batch["batch_id"],
            video_id=batch["video_id"],
            start_time_sec=start,
            end_time_sec=start + 30,
            duration_sec=30,
            title=f"Clip {rank}",
            description="A moment.",
            viral_score=score,
            grade_hook=Grade.A,
            grade_flow=Grade.B_PLUS,
            grade_value=Grade.B,
            grade_trend=Grade.C,
            language="en",
            rank=rank,
        )

    def created(self, batch: dict[str, Any], job_id: str | None = None) -> BatchCreated:
        return BatchCreated(**self._base(batch, job_id), config=ClipBatchConfig())

    def windows(self, batch: dict[str, Any], job_id: str | None = None) -> WindowsReady:
        window = Window(window_id="w0", start_sec=0, end_sec=30, scene_ids=("s0",), transcript=())
        return WindowsReady(
            **self._base(batch, job_id), config=ClipBatchConfig(), language="en", windows=(window,) * 3
        )

    def scored(self, batch: dict[str, Any], job_id: str | None = None) -> ClipsScored:
        clips = tuple(self.clip(batch, rank) for rank in (1, 2))
        return ClipsScored(
            **self._base(batch, job_id),
            config=ClipBatchConfig(),
            clips=clips,
            windows_total=3,
            windows_failed=1,
        )

    def thumbnails(self, batch: dict[str, Any], job_id: str | None = None) -> ThumbnailsDone:
        clips = tuple(self.clip(batch, rank) for rank in (1, 2))
        return ThumbnailsDone(**self._base(batch, job_id), clips=clips)

    def failed(
        self, batch: dict[str, Any], job_id: str | None = None, stage: Stage = Stage.SCORING
    ) -> BatchFailed:
        return BatchFailed(
            **self._base(batch, job_id), stage=stage, error_message="Scoring failed: LLM unreachable."
        )

    async def publish(self, event: Event) -> None:
        topic = self.running.topic(str(event.event_type))
        await publish_event(self.running.settings.kafka_bootstrap_servers, topic, event)

    def probe(self) -> contextlib.AbstractAsyncContextManager[TopicProbe]:
        """A consumer of the app's batch.created topic (what the outbox relay publishes)."""
        return topic_probe(self.running.settings.kafka_bootstrap_servers, [self.running.topic(BATCH_CREATED)])


@pytest.fixture
def pipeline(shared_api: RunningApi) -> Pipeline:
    return Pipeline(shared_api)


@pytest.fixture
def batch_in_state(
    client: httpx.AsyncClient,
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Wait until the batch matches every given field (status, stage, …) and return it."""

    async def wait(batch_id: str, timeout: float = 60, **expected: Any) -> dict[str, Any]:
        async def matches() -> dict[str, Any] | None:
            batch = (await client.get(f"/clip-batches/{batch_id}")).json()
            return batch if all(batch.get(k) == v for k, v in expected.items()) else None

        found = await eventually(matches, timeout=timeout, what=f"batch {batch_id} with {expected}")
        assert found is not None
        return found

    return wait


@pytest.fixture
def new_batch(
    client: httpx.AsyncClient, new_video: Callable[..., Awaitable[dict[str, Any]]]
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Register a video and start a batch on it; returns the batch JSON (202 checked)."""

    async def create(**body: Any) -> dict[str, Any]:
        video = await new_video()
        response = await client.post(f"/videos/{video['video_id']}/clip-batches", json=body)
        assert response.status_code == 202, response.text
        return dict(response.json())

    return create


async def published(
    probe: TopicProbe, running: RunningApi, topic: str, *, batch_id: str, count: int = 1
) -> list[Any]:
    """The contract events of `batch_id` on the app's `topic`, once there are `count` of them."""
    model = EVENT_BY_TOPIC[topic]

    async def enough() -> list[Any]:
        found = [model.model_validate_json(r.value) for r in probe.raw(running.topic(topic), key=batch_id)]
        return found if len(found) >= count else []

    return await eventually(enough, timeout=60, what=f"{count} × {topic} for {batch_id}")


@pytest.fixture
def events_of() -> Callable[..., Awaitable[list[Any]]]:
    return published
