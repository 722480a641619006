"""Another team's consumer, in its own group, reads the final clips from `thumbnails.done` with nothing
but Kafka and the published contracts package."""

import asyncio
from collections.abc import Callable

import pytest
from aiokafka import AIOKafkaConsumer

from viralclip_contracts import THUMBNAILS_DONE, ThumbnailsDone, Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.system import RunningSystem

pytestmark = pytest.mark.e2e


async def _first_done_event(consumer: AIOKafkaConsumer, batch_id: str) -> ThumbnailsDone:
    async for record in consumer:
        if record.key == batch_id.encode():
            return ThumbnailsDone.model_validate_json(record.value)
    raise AssertionError("the consumer stopped before the batch's thumbnails.done arrived")


async def test_a_consumer_in_its_own_group_receives_the_final_clips(
    api: ViralclipClient, video: Video, system: RunningSystem, unique_id: Callable[[str], str]
) -> None:
    consumer = AIOKafkaConsumer(
        THUMBNAILS_DONE,
        bootstrap_servers=system.kafka_bootstrap,
        group_id=unique_id("other-team"),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=50,
    )
    await consumer.start()
    try:
        batch = await api.create_batch(video.video_id, video_type="podcast", aspect_ratio="1:1")
        done = await asyncio.wait_for(_first_done_event(consumer, batch["batch_id"]), timeout=180)
    finally:
        await consumer.stop()

    clips = await api.clips(batch["batch_id"])
    assert done.batch_id == batch["batch_id"]
    assert done.video_id == video.video_id
    assert done.clips
    assert [clip.rank for clip in done.clips] == list(range(1, len(done.clips) + 1))
    assert all(clip.thumbnail_path for clip in done.clips)
    assert {clip.clip_id for clip in done.clips} == {clip["clip_id"] for clip in clips}
