"""The progress stream of a batch: one server-sent event per status/stage/progress change.

The stream starts with the current state and ends after the batch reaches a terminal status (ready,
final or failed) and no export of it is queued or rendering. Exports in flight (and any export that
changes while the stream is open) get an `export` event per status or progress change; the render's
progress is read from the export document on every refresh. The stream re-reads when a projector of
this process signals a change, and on a timer (another replica, or the render, may have written it).
"""

from collections.abc import AsyncIterator

from sse_starlette import ServerSentEvent

from ..adapters.changes import BatchChanges
from ..adapters.export_repository import ExportRepository
from ..adapters.repository import Repository
from ..core.errors import NotFoundError
from ..core.records import utc_now
from .export_models import ExportProgressPublic, export_progress, export_public
from .models import BatchProgressPublic
from .public import progress_public

EVENT_NAME = "progress"
EXPORT_EVENT_NAME = "export"


async def progress_events(
    repo: Repository,
    changes: BatchChanges,
    batch_id: str,
    *,
    refresh_sec: float,
    exports: ExportRepository | None = None,
) -> AsyncIterator[ServerSentEvent]:
    """Server-sent events of the batch's progress (and its exports') until it is terminal and idle."""
    last: BatchProgressPublic | None = None
    shown: dict[str, ExportProgressPublic] = {}
    opened_at = utc_now()
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
        busy = False
        if exports is not None:
            for record in await exports.watched(batch_id, changed_since=opened_at):
                update = export_progress(export_public(record))
                busy = busy or not record.state.is_finished
                if shown.get(update.export_id) != update:
                    number += 1
                    yield ServerSentEvent(
                        data=update.model_dump_json(), event=EXPORT_EVENT_NAME, id=str(number)
                    )
                    shown[update.export_id] = update
        if batch.is_terminal and not busy:
            return
        await changes.wait(watched, refresh_sec)
