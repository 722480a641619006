"""The outbox: a relay that dies between the batch write and the publish strands nothing.

The first app's publisher port crashes the relay before anything reaches the broker; a second app on the
same database and topics (the restart) publishes the pending `batch.created`, and exactly one batch exists.
"""

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from viralclip_batch_api.bootstrap import Ports
from viralclip_contracts import BATCH_CREATED, Event
from viralclip_testkit.kafka_probe import topic_probe
from viralclip_testkit.media import write_blank_video
from viralclip_testkit.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.faults]

QUIET_WINDOW_POLLS = 30
"""Relay polls to keep watching the topic after the replay: a second publish would come within one."""


class RelayCrash(Exception):
    """Stands for the process dying after the write and before the publish."""


class CrashingPublisher:
    """A publisher port that never publishes: the relay dies on its first event."""

    def __init__(self) -> None:
        self.attempted = asyncio.Event()

    async def publish(self, topic: str, event: Event) -> None:
        self.attempted.set()
        raise RelayCrash(f"crash before publishing {event.event_id}")


async def test_a_batch_written_before_a_relay_crash_is_published_after_restart(
    kafka_bootstrap: str,
    mongodb_uri: str,
    mongo_client: AsyncMongoClient[dict[str, Any]],
    tmp_path: Path,
    make_settings: Any,
    serve_api: Any,
    events_of: Any,
) -> None:
    settings = make_settings(kafka_bootstrap, mongodb_uri, tmp_path)
    db = mongo_client[settings.mongodb_database]
    video_id = f"v-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(write_blank_video, tmp_path / "v.mp4", 60)
    key = {"Idempotency-Key": f"k-{video_id}"}
    crashing = CrashingPublisher()
    try:
        async with topic_probe(kafka_bootstrap, [settings.topic(BATCH_CREATED)]) as probe:
            async with serve_api(settings, Ports(publisher=crashing)) as first:
                async with httpx.AsyncClient(base_url=first.api) as client:
                    registered = await client.post(
                        "/videos",
                        json={
                            "video_id": video_id,
                            "title": "t",
                            "media_path": "v.mp4",
                            "duration_sec": 60,
                            "transcript": [{"start_sec": 0, "end_sec": 5, "text": "Why the Moon?"}],
                        },
                    )
                    assert registered.status_code == 201, registered.text
                    created = await client.post(f"/videos/{video_id}/clip-batches", json={}, headers=key)
                    assert created.status_code == 202
                    batch = created.json()
                    await asyncio.wait_for(crashing.attempted.wait(), timeout=30)

                    async def relay_dead() -> bool:
                        return (await client.get(f"{first.url}/readyz")).status_code == 503

                    await eventually(relay_dead, timeout=30, what="readiness to report the dead relay")
                doc = await db["clip_batches"].find_one({"_id": batch["batch_id"]})
                assert doc is not None
                assert [entry["sent_at"] for entry in doc["outbox"]] == [None]

            async with serve_api(settings) as second:  # the restart, with the real publisher
                events = await events_of(probe, second, BATCH_CREATED, batch_id=batch["batch_id"])
                async with httpx.AsyncClient(base_url=second.api) as client:
                    replay = await client.post(f"/videos/{video_id}/clip-batches", json={}, headers=key)

                    async def sent() -> bool:
                        stored = await db["clip_batches"].find_one({"_id": batch["batch_id"]})
                        return stored is not None and stored["outbox"][0]["sent_at"] is not None

                    await eventually(sent, timeout=30, what="the outbox entry marked sent")

                    async def projected() -> bool:
                        found = (await client.get(f"/clip-batches/{batch['batch_id']}")).json()
                        return bool(found["stage"] == "windowing")

                    await eventually(projected, timeout=30, what="the restarted projector to see the event")

                # Nothing signals "no second publish is coming": keep consuming for a bounded window of
                # many relay polls after the replay, with the second app still running, then count.
                await asyncio.sleep(QUIET_WINDOW_POLLS * settings.poll_interval_sec)
                published = probe.events(settings.topic(BATCH_CREATED), batch_id=batch["batch_id"])

        assert [e.job_id for e in events] == [batch["job_id"]]
        assert [e.event_id for e in published] == [events[0].event_id], "published exactly once"
        assert replay.json()["batch_id"] == batch["batch_id"]
        assert await db["clip_batches"].count_documents({"video_id": video_id}) == 1
    finally:
        await mongo_client.drop_database(settings.mongodb_database)
