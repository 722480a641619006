"""An outbox entry that no longer validates is quarantined — kept, with its reason, counted in the
metrics — and the relay goes on publishing the entries behind it."""

from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_batch_api.adapters.metrics import BatchMetrics
from viralclip_batch_api.adapters.outbox import OutboxRelay
from viralclip_batch_api.adapters.repository import Repository
from viralclip_batch_api.core.records import BatchRecord, OutboxEntry, utc_now
from viralclip_contracts import BatchCreated, ClipBatchConfig, Event

pytestmark = pytest.mark.integration


class RecordingPublisher:
    """The publisher port, keeping what it was given instead of sending it to a broker."""

    def __init__(self) -> None:
        self.published: list[tuple[str, Event]] = []

    async def publish(self, topic: str, event: Event) -> None:
        self.published.append((topic, event))


def created(batch_id: str, job_id: str) -> BatchCreated:
    return BatchCreated(
        batch_id=batch_id, video_id="v-1", job_id=job_id, producer="batch-api", config=ClipBatchConfig()
    )


async def test_a_bad_entry_is_set_aside_and_the_good_ones_still_go_out(
    mongo_db: AsyncDatabase[dict[str, Any]], unique_id: Any
) -> None:
    repo = Repository(mongo_db)
    now = utc_now()
    broken_batch, good_batch = unique_id("b"), unique_id("b")
    broken = OutboxEntry.of(created(broken_batch, "j-1"), created_at=now, trace_context={})
    retried = OutboxEntry.of(created(broken_batch, "j-2"), created_at=now, trace_context={})
    for batch_id, outbox in ((broken_batch, (broken, retried)), (good_batch, ())):
        batch = BatchRecord(
            batch_id=batch_id,
            video_id="v-1",
            name="q",
            config=ClipBatchConfig(),
            current_job_id="j-2",
            created_at=now,
            updated_at=now,
            outbox=outbox or (OutboxEntry.of(created(batch_id, "j-2"), created_at=now, trace_context={}),),
        )
        await repo.insert_batch(batch)
    await mongo_db["clip_batches"].update_one(  # an event the contract no longer accepts
        {"_id": broken_batch, "outbox.event_id": broken.event_id},
        {"$set": {"outbox.$.event.config": {"clip_length_preset": "forever"}}},
    )
    publisher = RecordingPublisher()
    relay = OutboxRelay(repo, publisher, poll_interval_sec=1)

    assert await relay.publish_pending() == 2
    assert await relay.publish_pending() == 0, "a quarantined entry is not tried again"

    assert sorted((e.batch_id, e.job_id) for _, e in publisher.published) == sorted(
        [(broken_batch, "j-2"), (good_batch, "j-2")]
    )
    stored = await mongo_db["clip_batches"].find_one({"_id": broken_batch})
    assert stored is not None
    kept, sent = stored["outbox"]
    assert kept["event_id"] == broken.event_id
    assert kept["sent_at"] is None
    assert kept["quarantined_at"] is not None
    assert kept["quarantine_error"].startswith("ValidationError")
    assert "clip_length_preset" in kept["quarantine_error"]
    assert sent["sent_at"] is not None
    registry = CollectorRegistry()
    metrics = BatchMetrics(registry)
    await metrics.refresh(repo)
    assert registry.get_sample_value("viralclip_outbox_quarantined") == 1
