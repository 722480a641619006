"""The thumbnail worker over the real Kafka and MongoDB protocols: clips.scored → thumbnails.done."""

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import (
    BATCH_FAILED,
    CLIPS_SCORED,
    THUMBNAILS_DONE,
    AspectRatio,
    BatchFailed,
    Clip,
    ClipBatchConfig,
    ClipsScored,
    Event,
    Grade,
    ThumbnailsDone,
)
from viralclip_media import (
    FfmpegResult,
    PyAvStillMaker,
    StillRequest,
    StillResult,
    SubprocessFfmpegRunner,
)
from viralclip_runtime import WorkerContext, ensure_topics
from viralclip_testkit.kafka_probe import TopicProbe, publish_event, topic_probe
from viralclip_testkit.media import ffmpeg_executable, write_timestamp_video
from viralclip_testkit.waiting import eventually
from viralclip_thumbnail.app import build_worker
from viralclip_thumbnail.jpeg import jpeg_dimensions
from viralclip_thumbnail.settings import ThumbnailSettings

pytestmark = pytest.mark.integration


class CountingRunner(SubprocessFfmpegRunner):
    """The real ffmpeg runner, counting its invocations."""

    calls = 0

    async def run(self, args: Sequence[str], *, timeout_sec: float, **options: Any) -> FfmpegResult:
        self.calls += 1
        return await super().run(args, timeout_sec=timeout_sec, **options)


class CountingStills(PyAvStillMaker):
    """The service's in-process decoder, counting the stills it is asked for."""

    requested = 0

    async def stills(
        self, source: Path, requests: Sequence[StillRequest], *, timeout_sec: float, workers: int
    ) -> list[StillResult]:
        self.requested += len(requests)
        return await super().stills(source, requests, timeout_sec=timeout_sec, workers=workers)


@dataclass
class Service:
    context: WorkerContext
    runner: CountingRunner
    stills: CountingStills
    probe: TopicProbe
    db: AsyncDatabase[dict[str, Any]]
    media_root: Path
    bootstrap: str

    def topic(self, name: str) -> str:
        """This test's name of the contract topic `name`."""
        return self.context.settings.topic(name)


@pytest.fixture
async def service(
    kafka_bootstrap: str,
    mongodb_uri: str,
    mongo_db: AsyncDatabase[dict[str, Any]],
    tmp_path: Path,
) -> AsyncIterator[Service]:
    """A running thumbnail worker on topics and a consumer group of this test's own."""
    suffix = uuid.uuid4().hex[:8]
    settings = ThumbnailSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        mongodb_uri=mongodb_uri,
        mongodb_database=mongo_db.name,
        media_root=tmp_path,
        log_format="text",
        topic_partitions=2,
        thumbnail_long_side=320,
        thumbnail_concurrency=2,
        topic_suffix=f".{suffix}",
    )
    await ensure_topics(
        kafka_bootstrap,
        partitions=2,
        topics=tuple(settings.topic(name) for name in (CLIPS_SCORED, THUMBNAILS_DONE, BATCH_FAILED)),
    )
    runner = CountingRunner(ffmpeg_executable())
    stills = CountingStills()
    context = build_worker(settings, runner=runner, stills=stills)
    async with topic_probe(
        kafka_bootstrap, [settings.topic(THUMBNAILS_DONE), settings.topic(BATCH_FAILED)]
    ) as probe:
        await context.broker.start()
        try:
            yield Service(context, runner, stills, probe, mongo_db, tmp_path, kafka_bootstrap)
        finally:
            await context.broker.stop()
            await context.mongo.close()


EventT = TypeVar("EventT", bound=Event)


def events_of(service: Service, topic: str, model: type[EventT], batch_id: str) -> list[EventT]:
    """The events the worker published on one of this test's topics for a batch."""
    return [model.model_validate_json(r.value) for r in service.probe.raw(topic, key=batch_id)]


async def wait_for_events(
    service: Service, topic: str, model: type[EventT], batch_id: str, count: int = 1
) -> list[EventT]:
    async def enough() -> list[EventT]:
        found = events_of(service, topic, model, batch_id)
        return found if len(found) >= count else []

    return await eventually(enough, timeout=90, what=f"{count} × {topic} for {batch_id}")


def clip(batch_id: str, video_id: str, index: int, start: float, end: float) -> Clip:
    return Clip(
        clip_id=f"c-{index}-{batch_id}",
        clip_batch_id=batch_id,
        video_id=video_id,
        start_time_sec=start,
        end_time_sec=end,
        duration_sec=end - start,
        title=f"Clip {index}",
        description="A stretch of the timestamp video.",
        viral_score=8.0 - index,
        grade_hook=Grade.A,
        grade_flow=Grade.B,
        grade_value=Grade.A_MINUS,
        grade_trend=Grade.B_PLUS,
        language="en",
        rank=index + 1,
    )


async def register(service: Service, media_path: str, spans: Sequence[tuple[float, float]]) -> ClipsScored:
    """Store the video, the batch and its clips as the earlier stages would; return their event."""
    batch_id, video_id, job_id = (f"{p}-{uuid.uuid4().hex[:10]}" for p in ("b", "v", "j"))
    await service.db["videos"].insert_one(
        {"_id": video_id, "title": "Timestamps", "media_path": media_path, "duration_sec": 20.0}
    )
    await service.db["clip_batches"].insert_one({"_id": batch_id, "current_job_id": job_id})
    clips = tuple(clip(batch_id, video_id, i, start, end) for i, (start, end) in enumerate(spans))
    await service.db["clips"].insert_many([{"_id": c.clip_id, **c.model_dump(mode="json")} for c in clips])
    return ClipsScored(
        batch_id=batch_id,
        video_id=video_id,
        job_id=job_id,
        producer="scoring",
        config=ClipBatchConfig(aspect_ratio=AspectRatio.SQUARE),
        clips=clips,
        windows_total=len(clips),
        windows_failed=0,
    )


async def test_every_clip_gets_a_thumbnail_and_a_redelivery_runs_no_ffmpeg(service: Service) -> None:
    write_timestamp_video(service.media_root / "videos" / "v.mp4", 20)
    event = await register(service, "videos/v.mp4", [(0.0, 6.0), (5.0, 12.0), (12.0, 19.0)])

    await publish_event(service.bootstrap, service.topic(CLIPS_SCORED), event)
    (done,) = await wait_for_events(service, service.topic(THUMBNAILS_DONE), ThumbnailsDone, event.batch_id)

    assert [c.clip_id for c in done.clips] == [c.clip_id for c in event.clips]
    assert done.thumbnails_failed == 0
    for final in done.clips:
        stored = await service.db["clips"].find_one({"_id": final.clip_id})
        assert stored is not None
        assert stored["thumbnail_path"] == final.thumbnail_path
        assert stored["thumbnail_path"] == f"thumbnails/{event.batch_id}/{final.clip_id}.jpg"
        assert stored["thumbnail_error"] is None
        assert stored["title"] == final.title  # the rest of the clip is untouched
        image = (service.media_root / stored["thumbnail_path"]).read_bytes()
        assert jpeg_dimensions(image) == (320, 320)
    calls = service.runner.calls
    assert calls == 1  # one probe; the frames are decoded in-process
    assert service.stills.requested == len(event.clips)

    await publish_event(service.bootstrap, service.topic(CLIPS_SCORED), event)  # same event id
    replayed = event.model_copy(update={"event_id": uuid.uuid4()})  # the inbox cannot catch this one
    await publish_event(service.bootstrap, service.topic(CLIPS_SCORED), replayed)
    announced = await wait_for_events(
        service, service.topic(THUMBNAILS_DONE), ThumbnailsDone, event.batch_id, count=2
    )

    assert service.runner.calls == calls
    assert service.stills.requested == len(event.clips), "a redelivery decodes nothing again"
    assert len(announced) == 2, "the exact duplicate was handled again"
    assert {e.event_id for e in announced} == {done.event_id}
    assert announced[1].clips == done.clips
    assert events_of(service, service.topic(BATCH_FAILED), BatchFailed, event.batch_id) == []


async def test_a_missing_video_file_fails_the_batch_with_a_clear_message(service: Service) -> None:
    event = await register(service, "videos/never-uploaded.mp4", [(0.0, 6.0)])

    await publish_event(service.bootstrap, service.topic(CLIPS_SCORED), event)
    (failed,) = await wait_for_events(service, service.topic(BATCH_FAILED), BatchFailed, event.batch_id)

    assert failed.stage == "thumbnails"
    assert failed.error_message.startswith(
        f"Thumbnails failed: the video file videos/never-uploaded.mp4 of video {event.video_id} "
        "does not exist."
    )
    assert events_of(service, service.topic(THUMBNAILS_DONE), ThumbnailsDone, event.batch_id) == []
    stored = await service.db["clips"].find_one({"_id": event.clips[0].clip_id})
    assert stored is not None
    assert stored["thumbnail_path"] is None
