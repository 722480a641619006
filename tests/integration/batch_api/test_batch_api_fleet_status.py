"""`/status` counts, per worker service, the processes whose heartbeat is fresh; a worker's own heartbeat
document is written while it runs and removed when it stops."""

from datetime import timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_batch_api.adapters.fleet_status import worker_statuses
from viralclip_batch_api.core.records import utc_now
from viralclip_runtime.heartbeat import WORKER_HEARTBEATS, Heartbeat

pytestmark = pytest.mark.integration


async def test_fresh_heartbeats_count_as_live_consumers_and_stale_ones_do_not(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    scoring = Heartbeat(mongo_db, service="scoring", group="viralclip-scoring", every_sec=5)
    await scoring.beat()
    now = utc_now()
    await mongo_db[WORKER_HEARTBEATS].insert_one(
        {"_id": "thumbnail/gone/1", "service": "thumbnail", "seen_at": now - timedelta(seconds=60)}
    )

    statuses = {s.service: s for s in await worker_statuses(mongo_db, now=now, stale_sec=20)}

    assert set(statuses) == {"windowing", "scoring", "thumbnail", "render"}
    assert statuses["scoring"].live_consumers == 1
    assert statuses["scoring"].stage == "scoring"
    assert statuses["thumbnail"].live_consumers == 0, "a worker silent for 60 s is gone"
    assert statuses["thumbnail"].last_seen_at is not None
    assert (statuses["windowing"].live_consumers, statuses["windowing"].last_seen_at) == (0, None)

    await scoring.stop()  # a clean stop removes the document at once
    statuses = {s.service: s for s in await worker_statuses(mongo_db, now=utc_now(), stale_sec=20)}
    assert statuses["scoring"].live_consumers == 0
