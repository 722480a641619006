"""The progress stream of a batch: one server-sent event per status/stage/progress change.

The stream starts with the current state and ends after the batch reaches a terminal status (ready,
final or failed). It re-reads the batch when the projector signals a change, and on a timer (another
replica may have projected it).
"""

from collections.abc import AsyncIterator

from sse_starlette import ServerSentEvent

from .changes import BatchChanges
from .documents import Document, stalled_since, state_from_document
from .errors import NotFoundError
from .models import BatchProgressPublic
from .repository import Repository

EVENT_NAME = "progress"


def progress_of(doc: Document) -> BatchProgressPublic:
    """What one stream event says about the batch document."""
    state = state_from_document(doc)
    return BatchProgressPublic(
        batch_id=doc["_id"],
        job_id=state.current_job_id,
        status=state.status,
        stage=state.stage,
        progress=state.progress,
        clips_total=state.clips_total,
        error_message=state.error_message,
        stalled_since=stalled_since(doc),
    )


async def progress_events(
    repo: Repository, changes: BatchChanges, batch_id: str, *, refresh_sec: float
) -> AsyncIterator[ServerSentEvent]:
    """Server-sent events of the batch's progress until it is terminal."""
    last: BatchProgressPublic | None = None
    number = 0
    while True:
        watched = changes.watch()
        doc = await repo.batch(batch_id)
        if doc is None:
            raise NotFoundError("clip batch", batch_id)
        current = progress_of(doc)
        if current != last:
            number += 1
            yield ServerSentEvent(data=current.model_dump_json(), event=EVENT_NAME, id=str(number))
            last = current
        if state_from_document(doc).is_terminal:
            return
        await changes.wait(watched, refresh_sec)
