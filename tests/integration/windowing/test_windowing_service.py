"""The windowing worker over the real Kafka and MongoDB protocols: batch.created → windows.ready.

One worker serves the module (a consumer-group join costs seconds on the embedded broker); it has
its own topics, consumer group and database, and every test its own batch, video and job ids.
"""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import (
    BATCH_CREATED,
    BATCH_FAILED,
    WINDOWS_READY,
    BatchCreated,
    BatchFailed,
    ClipBatchConfig,
    ClipLengthPreset,
    Event,
    ProcessingTimeframe,
    SceneSegment,
    Stage,
    TranscriptSegment,
    Video,
    WindowsReady,
)
from viralclip_runtime import WorkerContext, ensure_topics
from viralclip_testkit.kafka_probe import TopicProbe, publish_event, topic_probe
from viralclip_testkit.waiting import eventually
from viralclip_windowing.app import build_worker
from viralclip_windowing.settings import WindowingSettings

pytestmark = pytest.mark.integration


@dataclass
class Service:
    context: WorkerContext
    probe: TopicProbe
    db: AsyncDatabase[dict[str, Any]]
    bootstrap: str

    def topic(self, name: str) -> str:
        """This module's name of the contract topic `name`."""
        return self.context.settings.topic(name)


@pytest.fixture(scope="module")
async def service(
    kafka_bootstrap: str, mongodb_uri: str, mongo_client: AsyncMongoClient[dict[str, Any]]
) -> AsyncIterator[Service]:
    """A running windowing worker on topics, a consumer group and a database of its own."""
    suffix = uuid.uuid4().hex[:8]
    db_name = f"test_windowing_{suffix}"
    settings = WindowingSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        mongodb_uri=mongodb_uri,
        mongodb_database=db_name,
        log_format="text",
        topic_partitions=2,
        topic_suffix=f".{suffix}",
    )
    await ensure_topics(
        kafka_bootstrap,
        partitions=2,
        topics=tuple(settings.topic(name) for name in (BATCH_CREATED, WINDOWS_READY, BATCH_FAILED)),
    )
    context = build_worker(settings)
    async with topic_probe(
        kafka_bootstrap, [settings.topic(WINDOWS_READY), settings.topic(BATCH_FAILED)]
    ) as probe:
        await context.broker.start()
        try:
            yield Service(context, probe, mongo_client[db_name], kafka_bootstrap)
        finally:
            await context.broker.stop()
            await context.mongo.close()
            await mongo_client.drop_database(db_name)


EventT = TypeVar("EventT", bound=Event)


async def wait_for_events(
    service: Service, topic: str, model: type[EventT], batch_id: str, count: int = 1
) -> list[EventT]:
    """The events the worker published on one of this module's topics for a batch (at least `count`)."""

    async def enough() -> list[EventT]:
        found = [model.model_validate_json(r.value) for r in service.probe.raw(topic, key=batch_id)]
        return found if len(found) >= count else []

    return await eventually(enough, timeout=90, what=f"{count} × {topic} for {batch_id}")


def podcast(video_id: str, minutes: int = 12) -> Video:
    """Two speakers taking turns every ~40 s, a camera cut at each turn, a pause now and then."""
    segments: list[TranscriptSegment] = []
    scenes: list[SceneSegment] = []
    t = 0.0
    turn = 0
    while t < minutes * 60 - 45:
        turn_start = t
        for sentence in range(8):
            length = 3.0 + (sentence * 7 + turn * 3) % 4
            segments.append(
                TranscriptSegment(
                    start_sec=t,
                    end_sec=t + length,
                    text=f"Sentence {sentence} of turn {turn} about the Moon.",
                    speaker="Host" if turn % 2 == 0 else "Guest",
                )
            )
            t += length + (1.5 if sentence == 4 else 0.2)
        scenes.append(SceneSegment(scene_id=f"s{turn:04d}", start_sec=turn_start, end_sec=t))
        turn += 1
    return Video(
        video_id=video_id,
        title="Houston, a test podcast",
        media_path=f"videos/{video_id}.mp4",
        duration_sec=minutes * 60,
        language="en",
        transcript=tuple(segments),
        scenes=tuple(scenes),
    )


async def register(service: Service, video: Video | None, config: ClipBatchConfig) -> BatchCreated:
    """Store the video and the batch as batch-api would; return the batch.created it would publish."""
    batch_id, job_id = f"b-{uuid.uuid4().hex[:10]}", f"j-{uuid.uuid4().hex[:10]}"
    video_id = video.video_id if video else f"v-missing-{uuid.uuid4().hex[:6]}"
    if video is not None:
        document = video.model_dump(mode="json", exclude={"video_id"})
        await service.db["videos"].insert_one({"_id": video_id, **document})
    await service.db["clip_batches"].insert_one({"_id": batch_id, "current_job_id": job_id})
    return BatchCreated(batch_id=batch_id, video_id=video_id, job_id=job_id, producer="test", config=config)


def assert_windows_satisfy_the_properties(video: Video, config: ClipBatchConfig, ready: WindowsReady) -> None:
    start = config.processing_timeframe.start_sec
    end = min(config.processing_timeframe.end_sec or video.duration_sec, video.duration_sec)
    minimum, maximum = config.clip_length_preset.bounds_sec
    windows = ready.windows
    assert windows
    assert [(w.start_sec, w.end_sec) for w in windows] == sorted({(w.start_sec, w.end_sec) for w in windows})
    assert [w.window_id for w in windows] == [f"w{i:04d}" for i in range(len(windows))]
    scene_edges = {t for s in video.scenes for t in (s.start_sec, s.end_sec)} | {start, end}
    for window in windows:
        assert start <= window.start_sec < window.end_sec <= end
        assert minimum - 1e-6 <= window.end_sec - window.start_sec <= maximum + 1e-6
        for t in (window.start_sec, window.end_sec):
            inside = any(s.start_sec < t < s.end_sec for s in video.transcript)
            assert t in scene_edges or not inside, f"{window.window_id} cuts a sentence at {t}"
    speech = [
        (max(s.start_sec, start), min(s.end_sec, end))
        for s in video.transcript
        if s.end_sec > start and s.start_sec < end
    ]
    union: list[tuple[float, float]] = []
    for a, b in sorted((w.start_sec, w.end_sec) for w in windows):
        if union and a <= union[-1][1]:
            union[-1] = (union[-1][0], max(union[-1][1], b))
        else:
            union.append((a, b))
    covered = sum(max(0.0, min(b, d) - max(a, c)) for a, b in speech for c, d in union)
    assert covered >= 0.9 * sum(b - a for a, b in speech)


async def test_a_batch_for_a_stored_video_yields_one_windows_ready_and_stored_windows(
    service: Service,
) -> None:
    video = podcast(f"v-{uuid.uuid4().hex[:8]}")
    config = ClipBatchConfig(
        clip_length_preset=ClipLengthPreset.FROM_30_TO_60S,
        processing_timeframe=ProcessingTimeframe(start_sec=60.0, end_sec=540.0),
    )
    event = await register(service, video, config)
    await publish_event(service.bootstrap, service.topic(BATCH_CREATED), event)

    [ready] = await wait_for_events(service, service.topic(WINDOWS_READY), WindowsReady, event.batch_id)
    assert isinstance(ready, WindowsReady)
    assert (ready.job_id, ready.video_id, ready.language) == (event.job_id, video.video_id, "en")
    assert_windows_satisfy_the_properties(video, config, ready)
    stored = await service.db["windows"].find_one({"_id": event.job_id})
    assert stored is not None
    assert stored["batch_id"] == event.batch_id
    assert stored["window_count"] == len(ready.windows)
    assert [w["window_id"] for w in stored["windows"]] == [w.window_id for w in ready.windows]
    assert service.probe.raw(service.topic(BATCH_FAILED), key=event.batch_id) == []


async def test_a_redelivered_batch_created_stores_no_second_set_of_windows(service: Service) -> None:
    video = podcast(f"v-{uuid.uuid4().hex[:8]}", minutes=6)
    event = await register(service, video, ClipBatchConfig())
    resent = event.model_copy(update={"event_id": uuid.uuid4()})  # same job, as if the inbox missed it
    for copy in (event, event, resent):
        await publish_event(service.bootstrap, service.topic(BATCH_CREATED), copy)

    readies = await wait_for_events(
        service, service.topic(WINDOWS_READY), WindowsReady, event.batch_id, count=2
    )
    assert len({r.event_id for r in readies}) == 1
    assert all(r.windows == readies[0].windows for r in readies)
    assert await service.db["windows"].count_documents({"batch_id": event.batch_id}) == 1


async def test_a_missing_video_fails_the_batch_and_the_worker_serves_the_next(service: Service) -> None:
    missing = await register(service, None, ClipBatchConfig())
    await publish_event(service.bootstrap, service.topic(BATCH_CREATED), missing)
    [failed] = await wait_for_events(service, service.topic(BATCH_FAILED), BatchFailed, missing.batch_id)
    assert isinstance(failed, BatchFailed)
    assert failed.stage is Stage.WINDOWING
    assert f"Video {missing.video_id} is not registered" in failed.error_message

    video = podcast(f"v-{uuid.uuid4().hex[:8]}", minutes=3)
    healthy = await register(service, video, ClipBatchConfig())
    await publish_event(service.bootstrap, service.topic(BATCH_CREATED), healthy)
    await wait_for_events(service, service.topic(WINDOWS_READY), WindowsReady, healthy.batch_id)
    assert await service.db["windows"].count_documents({"batch_id": missing.batch_id}) == 0


async def test_a_timeframe_that_leaves_nothing_fails_the_batch(service: Service) -> None:
    video = podcast(f"v-{uuid.uuid4().hex[:8]}", minutes=3)
    config = ClipBatchConfig(processing_timeframe=ProcessingTimeframe(start_sec=900.0))
    event = await register(service, video, config)
    await publish_event(service.bootstrap, service.topic(BATCH_CREATED), event)
    [failed] = await wait_for_events(service, service.topic(BATCH_FAILED), BatchFailed, event.batch_id)
    assert "starts at 15:00, but the video is only 3:00 long" in failed.error_message


async def test_an_event_of_a_superseded_job_is_ignored(service: Service) -> None:
    video = podcast(f"v-{uuid.uuid4().hex[:8]}", minutes=3)
    current = await register(service, video, ClipBatchConfig())
    stale = current.model_copy(update={"event_id": uuid.uuid4(), "job_id": f"j-old-{uuid.uuid4().hex[:6]}"})
    await publish_event(service.bootstrap, service.topic(BATCH_CREATED), stale)
    await publish_event(service.bootstrap, service.topic(BATCH_CREATED), current)
    # Same batch, same partition: once the current job is answered, the stale one was handled before it.
    [ready] = await wait_for_events(service, service.topic(WINDOWS_READY), WindowsReady, current.batch_id)
    assert ready.job_id == current.job_id
    assert await service.db["windows"].find_one({"_id": stale.job_id}) is None
