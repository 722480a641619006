"""The progress stream of a batch: one server-sent event per status/stage/progress change.

The stream starts with the current state and ends after the batch reaches a terminal status (ready,
final or failed). It re-reads the batch when the projector signals a change, and on a timer (another
replica may have projected it).
"""

from collections.abc import AsyncIterator

from sse_starlette import ServerSentEvent

from .changes import BatchChanges
from .errors import NotFoundError
from .models import BatchProgressPublic
from .public import progress_public
from .repository import Repository

EVENT_NAME = "progress"


async def progress_events(
    repo: Repository, changes: BatchChanges, batch_id: str, *, refresh_sec: float
) -> AsyncIterator[ServerSentEvent]:
    """Server-sent events of the batch's progress until it is terminal."""
    last: BatchProgressPublic | None = None
    number = 0
    while True:
        watched = changes.watch()
        batch = await repo.batch(batch_id)
        if batch is None:
            raise NotFoundError("clip batch", batch_id)
        current = progress_public(batch)
        if current != last:
            number += 1
            yield ServerSentEvent(data=current.model_dump_json(), event=EVENT_NAME, id=str(number))
            last = current
        if batch.is_terminal:
            return
        await changes.wait(watched, refresh_sec)
