"""An outbox entry that no longer validates is quarantined — kept, with its reason, counted in the
metrics — and the relay goes on publishing the entries behind it."""

from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_batch_api.documents import batch_document, outbox_entry, utc_now
from viralclip_batch_api.metrics import BatchMetrics
from viralclip_batch_api.outbox import OutboxRelay
from viralclip_batch_api.projection import BatchState
from viralclip_batch_api.repository import Repository
from viralclip_contracts import BATCH_CREATED, BatchCreated, ClipBatchConfig, Event

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
    broken = outbox_entry(BATCH_CREATED, created(broken_batch, "j-1"), now)
    broken["event"] = {**broken["event"], "config": {"clip_length_preset": "forever"}}
    retried = outbox_entry(BATCH_CREATED, created(broken_batch, "j-2"), now)
    for batch_id, outbox in ((broken_batch, [broken, retried]), (good_batch, [])):
        doc = batch_document(
            batch_id=batch_id,
            video_id="v-1",
            name="q",
            config=ClipBatchConfig(),
            state=BatchState(current_job_id="j-2"),
            webhook_url=None,
            created_at=now,
            outbox=outbox or [outbox_entry(BATCH_CREATED, created(batch_id, "j-2"), now)],
        )
        await repo.insert_batch(doc)
    publisher = RecordingPublisher()
    relay = OutboxRelay(repo, publisher, poll_interval_sec=1)

    assert await relay.publish_pending() == 2
    assert await relay.publish_pending() == 0, "a quarantined entry is not tried again"

    assert sorted((e.batch_id, e.job_id) for _, e in publisher.published) == sorted(
        [(broken_batch, "j-2"), (good_batch, "j-2")]
    )
    stored = await repo.batch_with_outbox(broken_batch)
    assert stored is not None
    kept, sent = stored["outbox"]
    assert kept["event_id"] == broken["event_id"]
    assert kept["sent_at"] is None
    assert kept["quarantined_at"] is not None
    assert kept["quarantine_error"].startswith("ValidationError")
    assert "clip_length_preset" in kept["quarantine_error"]
    assert sent["sent_at"] is not None
    registry = CollectorRegistry()
    metrics = BatchMetrics(registry)
    await metrics.refresh(repo)
    assert registry.get_sample_value("viralclip_outbox_quarantined") == 1
