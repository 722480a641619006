"""The render worker over the real Kafka and MongoDB protocols: clip.export_requested → clip.exported."""

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import (
    CLIP_EXPORT_FAILED,
    CLIP_EXPORT_REQUESTED,
    CLIP_EXPORTED,
    EXPORT_TOPICS,
    AspectRatio,
    ClipExported,
    ClipExportFailed,
    ClipExportRequested,
    ReframeMode,
    RenderResolution,
    RenderSettings,
    dead_letter_topic,
)
from viralclip_media import FfmpegResult, ProgressCallback, SubprocessFfmpegRunner
from viralclip_render.app import build_worker
from viralclip_render.settings import RenderServiceSettings
from viralclip_runtime import WorkerContext, ensure_topics
from viralclip_testkit.kafka_probe import TopicProbe, publish_event, publish_raw, topic_probe
from viralclip_testkit.media import ffmpeg_executable, write_timestamp_video

pytestmark = pytest.mark.integration


class CountingRunner(SubprocessFfmpegRunner):
    """The real ffmpeg runner, counting renders; `broken` makes every render fail in ffmpeg itself."""

    def __init__(self) -> None:
        super().__init__(ffmpeg_executable())
        self.renders = 0
        self.broken = False

    async def run(
        self,
        args: Sequence[str],
        *,
        timeout_sec: float,
        capture_stdout: bool = False,
        on_progress: ProgressCallback | None = None,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> FfmpegResult:
        if "libx264" in args:
            self.renders += 1
            if self.broken:  # a profile x264 does not know: ffmpeg fails with its own message
                args = ["banana" if arg == "high" else arg for arg in args]
        return await super().run(
            args, timeout_sec=timeout_sec, capture_stdout=capture_stdout, on_progress=on_progress
        )


@dataclass
class Service:
    context: WorkerContext
    runner: CountingRunner
    probe: TopicProbe
    db: AsyncDatabase[dict[str, Any]]
    media_root: Path
    bootstrap: str

    def topic(self, name: str) -> str:
        return self.context.settings.topic(name)


@pytest.fixture
async def service(
    kafka_bootstrap: str, mongodb_uri: str, mongo_db: AsyncDatabase[dict[str, Any]], tmp_path: Path
) -> AsyncIterator[Service]:
    """A running render worker on topics and a consumer group of this test's own."""
    settings = RenderServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        mongodb_uri=mongodb_uri,
        mongodb_database=mongo_db.name,
        media_root=tmp_path,
        log_format="text",
        topic_partitions=2,
        topic_suffix=f".{uuid.uuid4().hex[:8]}",
        render_preset="ultrafast",
    )
    await ensure_topics(
        kafka_bootstrap, partitions=2, topics=tuple(settings.topic(name) for name in EXPORT_TOPICS)
    )
    runner = CountingRunner()
    context = build_worker(settings, runner=runner)
    watched = [settings.topic(CLIP_EXPORTED), settings.topic(CLIP_EXPORT_FAILED)]
    async with topic_probe(
        kafka_bootstrap, [*watched, dead_letter_topic(settings.topic(CLIP_EXPORT_REQUESTED))]
    ) as probe:
        await context.broker.start()
        try:
            yield Service(context, runner, probe, mongo_db, tmp_path, kafka_bootstrap)
        finally:
            await context.broker.stop()
            await context.mongo.close()


async def register(service: Service, media_path: str) -> ClipExportRequested:
    """A video (with words), a queued export document as batch-api writes it, and its request."""
    batch_id, video_id, export_id = (f"{p}-{uuid.uuid4().hex[:10]}" for p in ("b", "v", "e"))
    words = [
        {"text": w, "start_sec": 2.2 + 0.5 * i, "end_sec": 2.6 + 0.5 * i}
        for i, w in enumerate(["a", "b", "c"])
    ]
    await service.db["videos"].insert_one(
        {
            "_id": video_id,
            "title": "Timestamps",
            "media_path": media_path,
            "duration_sec": 8.0,
            "transcript": [{"start_sec": 2.0, "end_sec": 4.0, "text": "a b c", "words": words}],
        }
    )
    await service.db["exports"].insert_one({"_id": export_id, "status": "queued"})
    return ClipExportRequested(
        batch_id=batch_id,
        video_id=video_id,
        job_id="j-1",
        producer="batch-api",
        export_id=export_id,
        clip_id="c-1",
        start_sec=2.0,
        end_sec=4.0,
        settings=RenderSettings(
            aspect_ratio=AspectRatio.PORTRAIT,
            reframe=ReframeMode.CENTER,
            captions=True,
            resolution=RenderResolution.HD_720,
        ),
    )


async def test_an_export_is_rendered_once_and_a_redelivery_renders_nothing(service: Service) -> None:
    write_timestamp_video(service.media_root / "videos" / "v.mp4", 8, size=(320, 180), audio=True)
    event = await register(service, "videos/v.mp4")

    await publish_event(service.bootstrap, service.topic(CLIP_EXPORT_REQUESTED), event)
    (done,) = await service.probe.wait_for(service.topic(CLIP_EXPORTED), batch_id=event.batch_id, timeout=120)

    assert isinstance(done, ClipExported)
    assert done.file_path == f"exports/{event.batch_id}/{event.export_id}.mp4"
    assert (done.width, done.height) == (720, 1280)
    assert abs(done.duration_sec - 2.0) <= 0.2
    assert (service.media_root / done.file_path).stat().st_size == done.size_bytes
    stored = await service.db["exports"].find_one({"_id": event.export_id})
    assert stored is not None
    assert stored["status"] == "queued"  # batch-api's field: the render never writes it
    assert stored["render"]["attempts"] == 1
    assert stored["render"]["progress"] == 1.0
    assert stored["render"]["started_at"] is not None
    assert service.runner.renders == 1

    await publish_event(service.bootstrap, service.topic(CLIP_EXPORT_REQUESTED), event)  # same event id
    again = event.model_copy(update={"event_id": uuid.uuid4()})  # the inbox cannot catch this one
    await publish_event(service.bootstrap, service.topic(CLIP_EXPORT_REQUESTED), again)
    announced = await service.probe.wait_for(service.topic(CLIP_EXPORTED), batch_id=event.batch_id, count=2)

    assert len(announced) == 2, "the exact duplicate was handled again"
    assert service.runner.renders == 1, "a redelivered export was rendered again"
    assert announced[1].file_path == done.file_path
    assert announced[1].size_bytes == done.size_bytes
    assert sorted(p.name for p in (service.media_root / "exports" / event.batch_id).iterdir()) == [
        f"{event.export_id}.mp4"
    ]
    assert service.probe.events(service.topic(CLIP_EXPORT_FAILED), batch_id=event.batch_id) == []


async def test_ffmpeg_failing_fails_the_export_readably_and_the_worker_goes_on(service: Service) -> None:
    write_timestamp_video(service.media_root / "videos" / "v.mp4", 8, size=(320, 180), audio=True)
    broken = await register(service, "videos/v.mp4")
    service.runner.broken = True

    await publish_event(service.bootstrap, service.topic(CLIP_EXPORT_REQUESTED), broken)
    (failed,) = await service.probe.wait_for(
        service.topic(CLIP_EXPORT_FAILED), batch_id=broken.batch_id, timeout=120
    )

    assert isinstance(failed, ClipExportFailed)
    assert failed.export_id == broken.export_id
    assert failed.error_message.startswith("Rendering failed: ffmpeg stopped with exit code ")
    assert "banana" in failed.error_message  # ffmpeg's own words about what it refused
    assert failed.error_message.endswith("Check that the video plays, or try other settings.")
    assert not (service.media_root / "exports" / broken.batch_id).exists()
    assert list((service.media_root / "exports" / ".work").iterdir()) == []

    service.runner.broken = False
    healthy = await register(service, "videos/v.mp4")
    await publish_event(service.bootstrap, service.topic(CLIP_EXPORT_REQUESTED), healthy)
    await service.probe.wait_for(service.topic(CLIP_EXPORTED), batch_id=healthy.batch_id, timeout=120)


async def test_a_missing_source_fails_the_export_with_what_to_do(service: Service) -> None:
    event = await register(service, "videos/never-uploaded.mp4")

    await publish_event(service.bootstrap, service.topic(CLIP_EXPORT_REQUESTED), event)
    (failed,) = await service.probe.wait_for(service.topic(CLIP_EXPORT_FAILED), batch_id=event.batch_id)

    assert failed.error_message.startswith(
        f"Rendering failed: the source video of {event.video_id} is missing"
    )
    assert failed.error_message.endswith("then ask for the export again.")
    assert service.runner.renders == 0


async def test_a_poison_request_is_dead_lettered_and_the_worker_goes_on(service: Service) -> None:
    write_timestamp_video(service.media_root / "videos" / "v.mp4", 8, size=(320, 180), audio=True)
    event = await register(service, "videos/v.mp4")
    topic = service.topic(CLIP_EXPORT_REQUESTED)

    await publish_raw(service.bootstrap, topic, b"{not json", key=event.batch_id)
    await publish_raw(
        service.bootstrap, topic, b'{"event_type": "clip.export_requested"}', key=event.batch_id
    )
    await publish_event(service.bootstrap, topic, event)

    parked = await service.probe.wait_for_raw(dead_letter_topic(topic), key=event.batch_id, count=2)
    kinds = sorted(dict(record.headers)["x-dlq-error-kind"].decode() for record in parked)
    assert kinds == ["contract-violation", "not-json"]
    await service.probe.wait_for(service.topic(CLIP_EXPORTED), batch_id=event.batch_id, timeout=120)
