"""Which pipeline stages have a live consumer, from the heartbeats the workers write.

Each worker process refreshes its `worker_heartbeats` document every `VIRALCLIP_HEARTBEAT_INTERVAL_SEC`
while it consumes and removes it when it stops (`viralclip_runtime.heartbeat`); a document older than
`VIRALCLIP_WORKER_HEARTBEAT_STALE_SEC` is a worker that died. The broker's consumer-group membership
would be the natural source, but the embedded Tansu broker keeps a member listed after it left or its
session expired, so a stopped worker would look alive there.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import LIFECYCLES
from viralclip_runtime import Document
from viralclip_runtime.heartbeat import WORKER_HEARTBEATS

# The worker services, and the batch stage (or the clip export's step) each one moves on: every
# producer of a lifecycle table's steps but batch-api, which starts them.
PIPELINE_WORKERS: dict[str, str] = {
    step.producer: step.stage.value
    for lifecycle in LIFECYCLES
    for step in lifecycle.steps
    if step.producer != "batch-api"
}


@dataclass(frozen=True)
class WorkerStatus:
    """One worker service: how many of its processes beat recently, and when the last one did."""

    service: str
    stage: str
    live_consumers: int
    last_seen_at: datetime | None


async def worker_statuses(
    db: AsyncDatabase[Document], *, now: datetime, stale_sec: float
) -> list[WorkerStatus]:
    """Every pipeline worker service with its live consumer processes."""
    docs = await db[WORKER_HEARTBEATS].find({"service": {"$in": list(PIPELINE_WORKERS)}}).to_list(None)
    fresh_after = now - timedelta(seconds=stale_sec)
    statuses = []
    for service, stage in PIPELINE_WORKERS.items():
        seen = [doc["seen_at"] for doc in docs if doc["service"] == service]
        statuses.append(
            WorkerStatus(
                service=service,
                stage=stage,
                live_consumers=sum(1 for at in seen if at >= fresh_after),
                last_seen_at=max(seen, default=None),
            )
        )
    return statuses
