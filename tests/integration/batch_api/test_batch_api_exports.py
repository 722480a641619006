"""Clip exports over HTTP and Kafka: requests go out once through the outbox, the render's answers (published
here on the real topics, as the render would) are projected, and errors name what is wrong."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import aconnect_sse
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_batch_api.adapters.repository import to_document
from viralclip_batch_api.core.export_settings import request_event_id
from viralclip_batch_api.core.records import OutboxEntry, utc_now
from viralclip_contracts import (
    CLIP_EXPORT_REQUESTED,
    AspectRatio,
    Clip,
    ClipExported,
    ClipExportFailed,
    ClipExportRequested,
    ReframeMode,
    RenderSettings,
)
from viralclip_testkit.kafka_probe import TopicProbe, topic_probe
from viralclip_testkit.waiting import eventually

pytestmark = pytest.mark.integration

NewBatch = Callable[..., Awaitable[dict[str, Any]]]
Exportable = tuple[dict[str, Any], list[Clip]]


async def store_clips(db: AsyncDatabase[dict[str, Any]], clips: list[Clip]) -> None:
    """Write clips as the scoring service does (`_id` = clip_id)."""
    for clip in clips:
        await db["clips"].insert_one(
            {"_id": clip.clip_id, **clip.model_dump(mode="json", exclude={"clip_id"})}
        )


@pytest.fixture(scope="module")
async def requests_probe(shared_api: Any) -> AsyncIterator[TopicProbe]:
    """Every `clip.export_requested` the shared app publishes."""
    topic = shared_api.topic(CLIP_EXPORT_REQUESTED)
    async with topic_probe(shared_api.settings.kafka_bootstrap_servers, [topic]) as probe:
        yield probe


@pytest.fixture
def exportable(
    new_batch: NewBatch, pipeline: Any, api_db: AsyncDatabase[dict[str, Any]]
) -> Callable[..., Awaitable[Exportable]]:
    """A batch (any config) with three stored clips, best first: scores 9, 8 and 5."""

    async def make(**config: Any) -> Exportable:
        batch = await new_batch(**config)
        clips = [
            pipeline.clip(batch, 1, score=9.0, start=0),
            pipeline.clip(batch, 2, score=8.0, start=40),
            pipeline.clip(batch, 3, score=5.0, start=80),
        ]
        await store_clips(api_db, clips)
        return batch, clips

    return make


class Render:
    """Plays the render service: answers on its topics, writes its files and its `render.*` fields."""

    def __init__(
        self, pipeline: Any, db: AsyncDatabase[dict[str, Any]], media_root: Path, group: str
    ) -> None:
        self.pipeline = pipeline
        self.db = db
        self.media_root = media_root
        self.group = group

    @staticmethod
    def _base(export: dict[str, Any]) -> dict[str, Any]:
        return {
            "batch_id": export["batch_id"],
            "video_id": export["video_id"],
            "job_id": "j-render-copies-the-request",
            "producer": "render",
            "export_id": export["export_id"],
            "clip_id": export["clip_id"],
        }

    async def write_file(self, export: dict[str, Any], content: bytes) -> str:
        relative = f"exports/{export['batch_id']}/{export['export_id']}.mp4"
        path = self.media_root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_bytes, content)
        return relative

    async def exported(
        self, export: dict[str, Any], content: bytes = b"\x00" * 2048, **fields: Any
    ) -> ClipExported:
        file_path = await self.write_file(export, content)
        values = {
            "file_path": file_path,
            "size_bytes": len(content),
            "duration_sec": 30.0,
            "width": 1080,
            "height": 1920,
        }
        event = ClipExported(**self._base(export), **{**values, **fields})
        await self.answer(event)
        return event

    async def failed(
        self, export: dict[str, Any], message: str = "Rendering failed: ffmpeg exited 1."
    ) -> ClipExportFailed:
        event = ClipExportFailed(**self._base(export), error_message=message)
        await self.answer(event)
        return event

    async def answer(self, event: ClipExported | ClipExportFailed) -> None:
        """Publish the answer and wait until batch-api's export projector has handled it."""
        await self.pipeline.publish(event)
        key = f"{self.group}/{event.event_id}/{event.export_id}"

        async def seen() -> bool:
            return await self.db["consumed_events"].find_one({"_id": key}) is not None

        await eventually(seen, timeout=60, what=f"{event.event_type} {event.event_id} handled")

    async def progress(self, export_id: str, fraction: float) -> None:
        fields = {"render.progress": fraction, "render.started_at": utc_now(), "render.attempts": 1}
        await self.db["exports"].update_one({"_id": export_id}, {"$set": fields})


@pytest.fixture
def render(pipeline: Any, api_db: AsyncDatabase[dict[str, Any]], media_root: Path, shared_api: Any) -> Render:
    return Render(
        pipeline, api_db, media_root, f"viralclip-batch-api-exports{shared_api.settings.topic_suffix}"
    )


async def requests_for(
    probe: TopicProbe, shared_api: Any, export_id: str, count: int = 1
) -> list[ClipExportRequested]:
    """The `clip.export_requested` events of one export, once there are `count`."""
    topic = shared_api.topic(CLIP_EXPORT_REQUESTED)

    async def enough() -> list[ClipExportRequested]:
        found = [e for e in probe.events(topic) if e.export_id == export_id]
        return found if len(found) >= count else []

    return await eventually(enough, timeout=60, what=f"{count} request(s) of {export_id}")


async def test_an_export_is_202_with_the_batch_defaults_and_one_request_however_often_it_is_asked(
    client: httpx.AsyncClient, exportable: Any, requests_probe: TopicProbe, shared_api: Any
) -> None:
    batch, clips = await exportable(video_type="podcast", aspect_ratio="9:16", subtitle_enabled=True)
    url = f"/clips/{clips[0].clip_id}/exports"

    first = await client.post(url)
    again = await client.post(url, json={"reframe": "face"})  # the default, spelled out: same export

    assert first.status_code == 202, first.text
    export = first.json()
    assert first.headers["location"] == f"/viral-clip/exports/{export['export_id']}"
    assert "idempotent-replayed" not in first.headers
    assert (export["status"], export["progress"], export["requests"], export["download_url"]) == (
        "queued",
        0.0,
        1,
        None,
    )
    assert export["settings"] == {
        "aspect_ratio": "9:16",
        "reframe": "face",
        "captions": True,
        "resolution": "1080",
        "loudness_normalize": False,
    }
    assert (export["start_sec"], export["end_sec"]) == (clips[0].start_time_sec, clips[0].end_time_sec)
    assert (again.status_code, again.headers["idempotent-replayed"]) == (202, "true")
    assert again.json()["export_id"] == export["export_id"]
    # Another export of the same batch, published after any duplicate would have been (same key, same
    # partition): once it is in, a second request of the first export would be too.
    sentinel = (await client.post(url, json={"captions": False})).json()
    assert sentinel["export_id"] != export["export_id"]
    await requests_for(requests_probe, shared_api, sentinel["export_id"])
    (request,) = await requests_for(requests_probe, shared_api, export["export_id"])
    assert (request.batch_id, request.job_id, request.clip_id) == (
        batch["batch_id"],
        batch["job_id"],
        clips[0].clip_id,
    )
    assert request.settings == RenderSettings(
        aspect_ratio=AspectRatio.PORTRAIT, reframe=ReframeMode.FACE, captions=True
    )
    assert (request.start_sec, request.end_sec) == (clips[0].start_time_sec, clips[0].end_time_sec)
    assert request.event_id == request_event_id(export["export_id"], 1)


async def test_concurrent_identical_requests_make_one_export_and_one_request(
    client: httpx.AsyncClient, exportable: Any, requests_probe: TopicProbe, shared_api: Any
) -> None:
    _, clips = await exportable()
    url = f"/clips/{clips[1].clip_id}/exports"

    answers = await asyncio.gather(*(client.post(url, json={"resolution": "720"}) for _ in range(5)))

    assert {a.status_code for a in answers} == {202}
    (export_id,) = {a.json()["export_id"] for a in answers}
    sentinel = (await client.post(url, json={"resolution": "1080"})).json()  # after them, same partition
    await requests_for(requests_probe, shared_api, sentinel["export_id"])
    assert len(await requests_for(requests_probe, shared_api, export_id)) == 1
    listed = (await client.get(f"/clips/{clips[1].clip_id}/exports")).json()
    assert listed["count"] == 2


async def test_gaming_defaults_to_fit_and_overrides_win(client: httpx.AsyncClient, exportable: Any) -> None:
    _, clips = await exportable(video_type="gaming", aspect_ratio="16:9", subtitle_enabled=False)

    default = (await client.post(f"/clips/{clips[0].clip_id}/exports")).json()
    chosen = await client.post(
        f"/clips/{clips[0].clip_id}/exports",
        json={
            "aspect_ratio": "1:1",
            "reframe": "center",
            "captions": True,
            "resolution": "720",
            "loudness_normalize": True,
        },
    )

    assert default["settings"]["reframe"] == "fit"
    assert (default["settings"]["aspect_ratio"], default["settings"]["captions"]) == ("16:9", False)
    assert chosen.status_code == 202
    assert chosen.json()["settings"] == {
        "aspect_ratio": "1:1",
        "reframe": "center",
        "captions": True,
        "resolution": "720",
        "loudness_normalize": True,
    }


async def test_the_render_answer_makes_the_export_done_and_the_clip_exported_once(
    client: httpx.AsyncClient, exportable: Any, render: Render
) -> None:
    _, clips = await exportable()
    export = (await client.post(f"/clips/{clips[0].clip_id}/exports")).json()
    await render.progress(export["export_id"], 0.5)

    rendering = (await client.get(f"/exports/{export['export_id']}")).json()
    answer = await render.exported(export, content=b"m" * 4096)
    await render.answer(answer)  # delivered twice
    late_failure = await render.failed(export)  # a failure after the file: done stays done

    done = (await client.get(f"/exports/{export['export_id']}")).json()
    assert (rendering["status"], rendering["progress"], rendering["render_attempts"]) == ("rendering", 0.5, 1)
    assert (done["status"], done["progress"], done["error_message"]) == ("done", 1.0, None)
    assert (done["size_bytes"], done["duration_sec"], done["resolution"]) == (4096, 30.0, "1080x1920")
    assert done["file_path"] == answer.file_path
    assert done["download_url"] == f"/viral-clip/exports/{export['export_id']}/file"
    assert late_failure.error_message not in str(done)
    clip = (await client.get(f"/clips/{clips[0].clip_id}")).json()
    assert clip["status"] == "exported"
    listed = (await client.get(f"/clips/{clips[0].clip_id}/exports")).json()
    assert (listed["count"], [e["export_id"] for e in listed["data"]]) == (1, [export["export_id"]])
    again = await client.post(f"/clips/{clips[0].clip_id}/exports")
    assert (again.headers["idempotent-replayed"], again.json()["status"]) == ("true", "done")


async def test_a_failed_export_asked_for_again_is_rendered_again(
    client: httpx.AsyncClient, exportable: Any, render: Render, requests_probe: TopicProbe, shared_api: Any
) -> None:
    _, clips = await exportable()
    url = f"/clips/{clips[1].clip_id}/exports"
    export = (await client.post(url)).json()
    failure = await render.failed(export, "Rendering failed: the source video is missing; re-register it.")
    failed = (await client.get(f"/exports/{export['export_id']}")).json()

    retried = await client.post(url)
    await render.answer(
        failure.model_copy(update={"event_id": uuid.uuid4(), "occurred_at": failure.occurred_at})
    )
    still_queued = (await client.get(f"/exports/{export['export_id']}")).json()
    requests = await requests_for(requests_probe, shared_api, export["export_id"], count=2)
    await render.exported(export)

    assert (failed["status"], failed["error_message"]) == (
        "failed",
        "Rendering failed: the source video is missing; re-register it.",
    )
    assert retried.status_code == 202
    assert "idempotent-replayed" not in retried.headers
    assert (retried.json()["export_id"], retried.json()["status"], retried.json()["requests"]) == (
        export["export_id"],
        "queued",
        2,
    )
    assert (still_queued["status"], still_queued["error_message"]) == (
        "queued",
        None,
    )  # the old failure is stale
    assert [r.event_id for r in requests] == [request_event_id(export["export_id"], n) for n in (1, 2)]
    assert (await client.get(f"/exports/{export['export_id']}")).json()["status"] == "done"


async def test_an_edited_range_is_a_new_export_and_an_old_export_does_not_mark_the_edited_clip(
    client: httpx.AsyncClient, exportable: Any, render: Render
) -> None:
    _, clips = await exportable()
    url = f"/clips/{clips[2].clip_id}/exports"
    before = (await client.post(url)).json()
    edited = await client.patch(f"/clips/{clips[2].clip_id}", json={"end_time_sec": 100})
    assert edited.status_code == 200, edited.text

    after = (await client.post(url)).json()
    await render.exported(before)

    assert after["export_id"] != before["export_id"]
    assert (after["start_sec"], after["end_sec"]) == (80, 100)
    listed = (await client.get(url)).json()
    assert {e["export_id"] for e in listed["data"]} == {before["export_id"], after["export_id"]}
    assert (await client.get(f"/clips/{clips[2].clip_id}")).json()["status"] == "edited"


async def test_a_batch_exports_its_top_clips_or_the_chosen_ones(
    client: httpx.AsyncClient, exportable: Any
) -> None:
    batch, clips = await exportable()
    url = f"/clip-batches/{batch['batch_id']}/exports"

    top = await client.post(url, json={"top": 2, "aspect_ratio": "4:5"})
    chosen = await client.post(
        url, json={"clip_ids": [clips[2].clip_id, clips[2].clip_id], "captions": False}
    )
    listed = (await client.get(url)).json()

    assert top.status_code == 202, top.text
    assert top.headers["location"] == f"/viral-clip/clip-batches/{batch['batch_id']}/exports"
    assert [e["clip_id"] for e in top.json()["data"]] == [clips[0].clip_id, clips[1].clip_id]
    assert {e["settings"]["aspect_ratio"] for e in top.json()["data"]} == {"4:5"}
    assert [e["clip_id"] for e in chosen.json()["data"]] == [clips[2].clip_id]
    assert listed["count"] == 3


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"aspect_ratio": "3:2"}, ["body", "aspect_ratio"]),
        ({"reframe": "zoom"}, ["body", "reframe"]),
        ({"resolution": "4k"}, ["body", "resolution"]),
        ({"captions": "sometimes"}, ["body", "captions"]),
        ({"speed": 2}, ["body", "speed"]),
    ],
)
async def test_bad_overrides_are_422_naming_the_field(
    client: httpx.AsyncClient, exportable: Any, body: dict[str, Any], loc: list[str]
) -> None:
    _, clips = await exportable()

    response = await client.post(f"/clips/{clips[0].clip_id}/exports", json=body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


async def test_a_batch_export_needs_clips_of_that_batch_and_one_choice(
    client: httpx.AsyncClient, exportable: Any
) -> None:
    batch, clips = await exportable()
    other, _ = await exportable()
    url = f"/clip-batches/{batch['batch_id']}/exports"

    unknown = await client.post(url, json={"clip_ids": [clips[0].clip_id, "c-nope"]})
    both = await client.post(url, json={"clip_ids": [clips[0].clip_id], "top": 1})
    foreign = await client.post(
        f"/clip-batches/{other['batch_id']}/exports", json={"clip_ids": [clips[0].clip_id]}
    )
    missing = await client.post("/clip-batches/b-nope/exports", json={"top": 1})

    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "clip_ids[1]"]
    assert both.status_code == 422
    assert foreign.status_code == 422
    assert missing.status_code == 404
    assert (await client.get(url)).json()["count"] == 0  # a refused request exports nothing


async def test_unknown_clips_and_exports_are_404_and_a_failed_batch_is_409(
    client: httpx.AsyncClient, exportable: Any, pipeline: Any, batch_in_state: Callable[..., Awaitable[Any]]
) -> None:
    batch, clips = await exportable()
    await pipeline.publish(pipeline.failed(batch))
    await batch_in_state(batch["batch_id"], status="failed")

    refused = await client.post(f"/clips/{clips[0].clip_id}/exports")
    refused_batch = await client.post(f"/clip-batches/{batch['batch_id']}/exports", json={"top": 3})

    assert refused.status_code == 409
    assert "failed" in refused.json()["detail"]
    assert clips[0].clip_id in refused.json()["detail"]
    assert refused_batch.status_code == 409
    assert (await client.post("/clips/c-nope/exports")).status_code == 404
    assert (await client.get("/exports/e-nope")).status_code == 404
    assert (await client.get("/exports/e-nope/file")).status_code == 404
    assert (await client.get("/clips/c-nope/exports")).status_code == 404


async def test_a_request_written_just_before_a_crash_is_published_with_its_export(
    client: httpx.AsyncClient,
    exportable: Any,
    api_db: AsyncDatabase[dict[str, Any]],
    requests_probe: TopicProbe,
    shared_api: Any,
) -> None:
    """The outbox write commits a request; the process dies before the export document is written.
    The relay writes the export before it publishes the request, so the render's answer finds it."""
    batch, clips = await exportable()
    clip = clips[0]
    export_id = f"e-crash{uuid.uuid4().hex[:10]}"
    event = ClipExportRequested(
        event_id=request_event_id(export_id, 1),
        batch_id=batch["batch_id"],
        video_id=batch["video_id"],
        job_id=batch["job_id"],
        producer="batch-api",
        export_id=export_id,
        clip_id=clip.clip_id,
        start_sec=clip.start_time_sec,
        end_sec=clip.end_time_sec,
        settings=RenderSettings(aspect_ratio=AspectRatio.PORTRAIT, reframe=ReframeMode.CENTER, captions=True),
    )
    entry = to_document(OutboxEntry.of(event, created_at=utc_now(), trace_context={}))
    await api_db["clip_batches"].update_one({"_id": batch["batch_id"]}, {"$push": {"outbox": entry}})

    (published,) = await requests_for(requests_probe, shared_api, export_id)

    assert published.event_id == event.event_id
    export = (await client.get(f"/exports/{export_id}")).json()
    assert (export["status"], export["clip_id"], export["settings"]["reframe"]) == (
        "queued",
        clip.clip_id,
        "center",
    )


async def test_the_file_is_served_with_range_requests(
    client: httpx.AsyncClient, exportable: Any, render: Render
) -> None:
    _, clips = await exportable()
    export = (await client.post(f"/clips/{clips[0].clip_id}/exports")).json()
    not_yet = await client.get(f"/exports/{export['export_id']}/file")
    content = bytes(range(256)) * 40  # 10,240 bytes, each position recognisable
    await render.exported(export, content=content)
    url = f"/exports/{export['export_id']}/file"

    whole = await client.get(url)
    first = await client.get(url, headers={"Range": "bytes=0-99"})
    middle = await client.get(url, headers={"Range": "bytes=5000-5999"})
    suffix = await client.get(url, headers={"Range": "bytes=-500"})
    open_end = await client.get(url, headers={"Range": "bytes=10000-"})
    beyond = await client.get(url, headers={"Range": "bytes=20000-20100"})

    assert not_yet.status_code == 409
    assert (whole.status_code, whole.content) == (200, content)
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.headers["accept-ranges"] == "bytes"
    assert (first.status_code, first.headers["content-range"], first.content) == (
        206,
        "bytes 0-99/10240",
        content[:100],
    )
    assert (middle.status_code, middle.headers["content-range"]) == (206, "bytes 5000-5999/10240")
    assert middle.content == content[5000:6000]
    assert (suffix.status_code, suffix.headers["content-range"], suffix.content) == (
        206,
        "bytes 9740-10239/10240",
        content[-500:],
    )
    assert (open_end.status_code, open_end.content) == (206, content[10000:])
    assert (beyond.status_code, beyond.headers["content-range"]) == (416, "bytes */10240")


async def test_a_file_path_outside_the_media_root_is_never_served(
    client: httpx.AsyncClient, exportable: Any, render: Render, media_root: Path
) -> None:
    _, clips = await exportable()
    export = (await client.post(f"/clips/{clips[0].clip_id}/exports")).json()
    outside = media_root.parent / f"secret-{uuid.uuid4().hex[:6]}.mp4"
    await asyncio.to_thread(outside.write_bytes, b"secret")
    await render.exported(export, file_path=f"../{outside.name}", size_bytes=6)

    response = await client.get(f"/exports/{export['export_id']}/file")

    assert response.status_code == 404
    assert b"secret" not in response.content


async def test_the_batch_webhook_is_called_when_an_export_ends(
    client: httpx.AsyncClient, exportable: Any, render: Render, api_db: AsyncDatabase[dict[str, Any]]
) -> None:
    batch, clips = await exportable(webhook_url="http://hooks.test/hook")
    done = (await client.post(f"/clips/{clips[0].clip_id}/exports")).json()
    failing = (await client.post(f"/clips/{clips[1].clip_id}/exports")).json()
    await render.exported(done)
    await render.failed(failing, "Rendering failed: no face and no frame.")

    async def delivered() -> list[dict[str, Any]]:
        query = {"batch_id": batch["batch_id"], "event": {"$regex": "^clip_export"}, "status": "delivered"}
        found = await api_db["webhook_deliveries"].find(query).to_list(None)
        return found if len(found) == 2 else []

    deliveries = await eventually(delivered, timeout=60, what="two export webhooks delivered")
    bodies = {d["event"]: json.loads(d["body"]) for d in deliveries}
    assert set(bodies) == {"clip_export.done", "clip_export.failed"}
    assert bodies["clip_export.done"]["export"]["export_id"] == done["export_id"]
    assert (
        bodies["clip_export.done"]["export"]["download_url"]
        == f"/viral-clip/exports/{done['export_id']}/file"
    )
    assert (
        bodies["clip_export.failed"]["export"]["error_message"] == "Rendering failed: no face and no frame."
    )
    assert bodies["clip_export.failed"]["batch_id"] == batch["batch_id"]


async def test_the_batch_stream_shows_export_progress_until_the_export_ends(
    client: httpx.AsyncClient,
    exportable: Any,
    render: Render,
    pipeline: Any,
    batch_in_state: Callable[..., Awaitable[Any]],
) -> None:
    batch, clips = await exportable()
    await pipeline.publish(pipeline.thumbnails(batch))
    await batch_in_state(batch["batch_id"], status="ready")
    export = (await client.post(f"/clips/{clips[0].clip_id}/exports")).json()
    export_events: list[dict[str, Any]] = []
    # Each step of the render happens only once the stream has shown the one before it.
    steps: list[Callable[[], Awaitable[Any]]] = [
        lambda: render.progress(export["export_id"], 0.25),
        lambda: render.progress(export["export_id"], 0.75),
        lambda: render.exported(export),
    ]
    async with (
        asyncio.timeout(120),
        aconnect_sse(
            client, "GET", f"/clip-batches/{batch['batch_id']}/events", timeout=httpx.Timeout(30.0, read=60.0)
        ) as source,
    ):
        async for sse in source.aiter_sse():
            if sse.event != "export":
                assert json.loads(sse.data)["status"] == "ready"
                continue
            export_events.append(json.loads(sse.data))
            if steps:
                await steps.pop(0)()

    assert [(e["status"], e["progress"]) for e in export_events] == [
        ("queued", 0.0),
        ("rendering", 0.25),
        ("rendering", 0.75),
        ("done", 1.0),
    ]
    assert export_events[-1]["download_url"] == f"/viral-clip/exports/{export['export_id']}/file"
