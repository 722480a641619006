"""The example consumer in contracts/examples works as docs/SUBSCRIBING.md promises, on a real broker."""

import asyncio
import contextlib
import json
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from viralclip_contracts import (
    CLIPS_SCORED,
    THUMBNAILS_DONE,
    Clip,
    ClipBatchConfig,
    ClipsScored,
    Grade,
    ThumbnailsDone,
)
from viralclip_runtime import ensure_topics
from viralclip_testkit.kafka_probe import publish_event, publish_raw
from viralclip_testkit.waiting import eventually

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[3] / "contracts" / "examples" / "clip_subscriber.py"


def clip(batch_id: str, *, thumbnail: str | None) -> Clip:
    return Clip(
        clip_id=f"c-{batch_id}",
        clip_batch_id=batch_id,
        video_id="v-subscriber",
        start_time_sec=12.0,
        end_time_sec=47.5,
        duration_sec=35.5,
        title="Why the Moon is a treasure chest",
        description="Water ice at the poles, explained in half a minute.",
        viral_score=8.7,
        grade_hook=Grade.A,
        grade_flow=Grade.B_PLUS,
        grade_value=Grade.A_MINUS,
        grade_trend=Grade.B,
        language="en",
        rank=1,
        thumbnail_path=thumbnail,
    )


@dataclass
class Subscriber:
    """The example running as its own process, with what it printed so far."""

    process: asyncio.subprocess.Process
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)

    def handled(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.stdout]


async def _pump(stream: asyncio.StreamReader | None, into: list[str]) -> None:
    assert stream is not None
    while line := await stream.readline():
        into.append(line.decode().rstrip("\n"))


@contextlib.asynccontextmanager
async def running_subscriber(*args: str) -> AsyncIterator[Subscriber]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLE),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    subscriber = Subscriber(process)
    readers = [
        asyncio.create_task(_pump(process.stdout, subscriber.stdout)),
        asyncio.create_task(_pump(process.stderr, subscriber.stderr)),
    ]
    try:
        yield subscriber
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
        await asyncio.gather(*readers)


async def committed_everything(bootstrap: str, group: str, topic: str) -> bool:
    """True when `group` has committed the end offset of every partition of `topic`."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        ends = await consumer.end_offsets(partitions)
        for partition in partitions:
            if ends[partition] and await consumer.committed(partition) != ends[partition]:
                return False
        return bool(partitions)
    finally:
        await consumer.stop()


async def test_example_subscriber_handles_each_clip_event_once_in_its_own_group(
    kafka_bootstrap: str,
) -> None:
    suffix = f".sub-{uuid.uuid4().hex[:8]}"
    group = f"other-team-{uuid.uuid4().hex[:8]}"
    await ensure_topics(
        kafka_bootstrap, partitions=2, topics=(f"{CLIPS_SCORED}{suffix}", f"{THUMBNAILS_DONE}{suffix}")
    )
    batch_id = f"b-{uuid.uuid4().hex[:10]}"
    common = {"batch_id": batch_id, "video_id": "v-subscriber", "job_id": f"j-{batch_id}"}
    scored = ClipsScored(
        **common,
        producer="scoring",
        config=ClipBatchConfig(),
        clips=(clip(batch_id, thumbnail=None),),
        windows_total=3,
        windows_failed=0,
    )
    done = ThumbnailsDone(**common, producer="thumbnail", clips=(clip(batch_id, thumbnail="t/c.jpg"),))
    done_again_later = ThumbnailsDone(**common, producer="thumbnail", clips=())

    async with running_subscriber(
        "--bootstrap", kafka_bootstrap, "--group", group, "--topic-suffix", suffix, "--max-events", "3"
    ) as subscriber:

        async def listening() -> bool:
            return any("listening on" in line for line in subscriber.stderr)

        await eventually(listening, timeout=90, what="the example to join its consumer group")
        await publish_event(kafka_bootstrap, f"{CLIPS_SCORED}{suffix}", scored)

        async def handled_scored() -> bool:
            return len(subscriber.stdout) >= 1

        await eventually(handled_scored, timeout=60, what="the clips.scored event to be handled")
        thumbnails_topic = f"{THUMBNAILS_DONE}{suffix}"
        await publish_raw(
            kafka_bootstrap, thumbnails_topic, b'{"event_type": "thumbnails.done"}', key=batch_id
        )
        await publish_event(kafka_bootstrap, thumbnails_topic, done)
        await publish_event(kafka_bootstrap, thumbnails_topic, done)  # redelivered: handled once
        await publish_event(kafka_bootstrap, thumbnails_topic, done_again_later)

        assert await asyncio.wait_for(subscriber.process.wait(), timeout=60) == 0

    handled = subscriber.handled()
    assert [(line["topic"], line["event_id"]) for line in handled] == [
        (CLIPS_SCORED, str(scored.event_id)),
        (THUMBNAILS_DONE, str(done.event_id)),
        (THUMBNAILS_DONE, str(done_again_later.event_id)),
    ]
    assert handled[1]["best"] == {
        "title": "Why the Moon is a treasure chest",
        "viral_score": 8.7,
        "thumbnail": "t/c.jpg",
    }
    log = "\n".join(subscriber.stderr)
    assert "skipped invalid record" in log
    assert "batch_id: Field required" in log
    assert f"skipped duplicate event {done.event_id}" in log
    assert await committed_everything(kafka_bootstrap, group, thumbnails_topic)
