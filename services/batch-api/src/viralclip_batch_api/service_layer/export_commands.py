"""What the export endpoints do: request an export of a clip (or of several clips of a batch).

A request is committed by one single-document write: its `clip.export_requested` event pushed into the
outbox of the clip's batch (skipped when an entry with the same event id is there). The export document
is then created (or a failed one re-queued) from that event; the outbox relay does the same before it
publishes, so a crash between the two writes strands nothing and the render never answers an export
that batch-api does not know.
"""

import logging
from collections.abc import Callable, Sequence

from viralclip_contracts import Clip, ClipExportRequested, Event
from viralclip_runtime import current_trace_headers

from ..adapters.changes import BatchChanges
from ..adapters.export_repository import ExportRecord, ExportRepository
from ..adapters.projector import ProjectionContention
from ..adapters.repository import Repository
from ..api.export_models import BatchExportCreate, ExportCreate, ExportPublic, export_public
from ..core.errors import ConflictError, FieldError, NotFoundError
from ..core.export_settings import export_id, request_event_id, resolve_settings
from ..core.export_state import apply_request, new_export, next_request_number
from ..core.projection import BatchStatus
from ..core.records import BatchRecord, OutboxEntry, utc_now

PRODUCER = "batch-api"
_MAX_RACES = 20
logger = logging.getLogger(__name__)


async def record_request(exports: ExportRepository, event: ClipExportRequested) -> ExportRecord:
    """Create the export a request names, or re-queue it when it failed (idempotent)."""
    for _ in range(_MAX_RACES):
        record = await exports.get(event.export_id)
        now = utc_now()
        if record is None:
            if await exports.insert(new_export(event), now):
                logger.info("export queued", extra={"export_id": event.export_id, "clip_id": event.clip_id})
            continue
        result = apply_request(record.state, event)
        if not result.changed:
            return record
        if await exports.update(result.state, version=record.version, at=now):
            logger.info(
                "export re-queued", extra={"export_id": event.export_id, "requests": result.state.requests}
            )
    raise ProjectionContention(f"export {event.export_id}: too many concurrent updates")


async def record_if_export_request(exports: ExportRepository, event: Event) -> None:
    """The outbox relay's hook: an export request's document exists before the request is published."""
    if isinstance(event, ClipExportRequested):
        await record_request(exports, event)


class ExportCommands:
    """Export requests; `wake_relay` asks the outbox relay to publish what was just written."""

    def __init__(
        self,
        repo: Repository,
        exports: ExportRepository,
        changes: BatchChanges,
        wake_relay: Callable[[], None],
    ) -> None:
        self._repo = repo
        self._exports = exports
        self._changes = changes
        self._wake_relay = wake_relay

    async def request(self, clip_id: str, body: ExportCreate) -> tuple[ExportPublic, bool]:
        """The export of the clip with these settings, and whether this call queued a render."""
        clip = await self._repo.clip(clip_id)
        if clip is None:
            raise NotFoundError("clip", clip_id)
        batch = await self._repo.batch(clip.clip_batch_id)
        if batch is None:
            raise NotFoundError("clip batch", clip.clip_batch_id)
        _check_exportable(batch, clip.clip_id)
        return await self._request(clip, batch, body.overrides())

    async def request_many(self, batch_id: str, body: BatchExportCreate) -> list[tuple[ExportPublic, bool]]:
        """Exports of the chosen clips (or the top N by score) of a batch, with the same settings."""
        batch = await self._repo.batch(batch_id)
        if batch is None:
            raise NotFoundError("clip batch", batch_id)
        _check_exportable(batch, None)
        clips = await self._chosen_clips(batch_id, body)
        return [await self._request(clip, batch, body.overrides()) for clip in clips]

    async def _chosen_clips(self, batch_id: str, body: BatchExportCreate) -> list[Clip]:
        if body.top is not None:
            clips, _ = await self._repo.clips_of_batch(
                batch_id, order="score", min_score=None, skip=0, limit=body.top
            )
            if not clips:
                raise ConflictError(f"clip batch {batch_id!r} has no clips yet")
            return clips
        chosen: list[Clip] = []
        for index, clip_id in enumerate(dict.fromkeys(body.clip_ids or ())):
            clip = await self._repo.clip(clip_id)
            if clip is None or clip.clip_batch_id != batch_id:
                raise FieldError(f"clip_ids[{index}]", f"no clip {clip_id!r} in clip batch {batch_id!r}")
            chosen.append(clip)
        return chosen

    async def _request(
        self, clip: Clip, batch: BatchRecord, overrides: dict[str, object]
    ) -> tuple[ExportPublic, bool]:
        settings = resolve_settings(batch.config, overrides)
        eid = export_id(clip.clip_id, clip.start_time_sec, clip.end_time_sec, settings)
        record = await self._exports.get(eid)
        number = next_request_number(record.state if record else None)
        if record is not None and number is None:
            return export_public(record), False
        event = ClipExportRequested(
            event_id=request_event_id(eid, number or 1),
            batch_id=clip.clip_batch_id,
            video_id=clip.video_id,
            job_id=batch.current_job_id,
            producer=PRODUCER,
            export_id=eid,
            clip_id=clip.clip_id,
            start_sec=clip.start_time_sec,
            end_sec=clip.end_time_sec,
            settings=settings,
        )
        entry = OutboxEntry.of(event, created_at=utc_now(), trace_context=current_trace_headers())
        if not await self._exports.push_request(clip.clip_batch_id, entry):
            raise NotFoundError("clip batch", clip.clip_batch_id)
        record = await record_request(self._exports, event)
        self._wake_relay()
        self._changes.notify()
        logger.info(
            "export requested",
            extra={"export_id": eid, "clip_id": clip.clip_id, "requests": record.state.requests},
        )
        return export_public(record), True


def _check_exportable(batch: BatchRecord, clip_id: str | None) -> None:
    """A failed batch's clips are not exported: its run did not finish (retry it first)."""
    if batch.status is BatchStatus.FAILED:
        subject = f"clip {clip_id!r} belongs to clip batch" if clip_id else "clip batch"
        raise ConflictError(
            f"{subject} {batch.batch_id!r}, which failed ({batch.error_message}); "
            "retry the batch, then export its clips"
        )


def public_exports(records: Sequence[ExportRecord]) -> list[ExportPublic]:
    return [export_public(record) for record in records]
