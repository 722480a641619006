"""The export projector: folds the render's answers (`clip.exported`, `clip.export_failed`) into `exports`.

Its own consumer group (`viralclip-batch-api-exports`), so a rebalance of the pipeline projector never
stalls exports. Delivery goes through the runtime's `deliver` (retries, manual ack, dead letters) with
an inbox keyed by export *and* event id, so two exports' answers can never shadow each other even if a
producer derived their event ids from the same job. Writes are conditional on the export's `version`.

When an answer ends an export, the clip becomes `exported` (only if its range is still the exported
one), the batch's event stream is woken, and the batch's webhook is called. These follow-ups also run
for a re-delivered answer, so a crash after the export's write loses none of them.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Annotated

from faststream.kafka import KafkaMessage
from pydantic import Field

from viralclip_contracts import (
    CLIP_EXPORT_FAILED,
    CLIP_EXPORT_REQUESTED,
    CLIP_EXPORTED,
    ClipExported,
    ClipExportFailed,
    ClipExportRequested,
    Event,
    ExportStatus,
)
from viralclip_runtime import Inbox, WorkerContext, consumer_options, deliver
from viralclip_runtime.kafka import consumer_group

from ..core.export_state import ExportOutcome, ExportResult, apply_result
from ..core.records import utc_now
from ..settings import BatchApiSettings
from .changes import BatchChanges
from .export_repository import ExportRecord, ExportRepository
from .projector import ProjectionContention

EXPORTS_CONSUMER = "batch-api-exports"
RESULT_TOPICS = (CLIP_EXPORTED, CLIP_EXPORT_FAILED)
_MAX_RACES = 20
logger = logging.getLogger(__name__)

AnyExportResult = Annotated[ClipExported | ClipExportFailed, Field(discriminator="event_type")]
OnExportEnded = Callable[[ExportRecord], Awaitable[None]]


class ExportInbox(Inbox):
    """The inbox of the export projector: keyed by group, export id and event id."""

    def _key(self, event: Event) -> str:
        export_id = event.export_id if isinstance(event, ClipExported | ClipExportFailed) else "-"
        return f"{super()._key(event)}/{export_id}"


class ExportProjector:
    """Applies the render's answers to the export documents."""

    def __init__(self, exports: ExportRepository, changes: BatchChanges, on_ended: OnExportEnded) -> None:
        self._exports = exports
        self._changes = changes
        self._on_ended = on_ended

    async def project(self, event: ExportResult) -> None:
        """Fold `event` into its export; an export this database does not know is left alone."""
        for _ in range(_MAX_RACES):
            record = await self._exports.get(event.export_id)
            if record is None:
                logger.info("answer for an unknown export ignored", extra={"export_id": event.export_id})
                return
            result = apply_result(record.state, event)
            if result.changed:
                if not await self._exports.update(result.state, version=record.version, at=utc_now()):
                    continue
                record = replace(record, state=result.state)
                self._changes.notify()
                logger.info(
                    "export projected",
                    extra={"export_id": event.export_id, "status": result.state.status},
                )
            else:
                logger.info(
                    "answer left the export unchanged",
                    extra={"export_id": event.export_id, "outcome": result.outcome},
                )
            ended_by_it = str(event.event_id) in result.state.applied_event_ids and result.state.is_finished
            if result.outcome in (ExportOutcome.APPLIED, ExportOutcome.DUPLICATE) and ended_by_it:
                await self._follow_up(record)
            return
        raise ProjectionContention(f"export {event.export_id}: too many concurrent updates")

    async def _follow_up(self, record: ExportRecord) -> None:
        state = record.state
        if state.status is ExportStatus.DONE:
            marked = await self._exports.mark_clip_exported(
                state.clip_id, start_sec=state.start_sec, end_sec=state.end_sec
            )
            if not marked:
                logger.info(
                    "clip range changed since the export; its status stays", extra={"clip_id": state.clip_id}
                )
        await self._on_ended(record)


def subscribe_exports(context: WorkerContext, settings: BatchApiSettings, projector: ExportProjector) -> None:
    """Subscribe the export projector to the render's answers; declare the export-request publisher."""
    group = consumer_group(EXPORTS_CONSUMER, settings)
    inbox = ExportInbox(context.db, group=group)

    async def on_export_result(event: AnyExportResult, msg: KafkaMessage) -> None:
        async def work() -> None:
            await projector.project(event)

        await deliver(
            msg, event, inbox=inbox, work=work, retry=context.retry, dead_letters=context.dead_letters
        )

    subscriber = context.broker.subscriber(
        *(settings.topic(name) for name in RESULT_TOPICS),
        title="batch-api export projector",
        description="Projects an export's status (and its clip's `exported`) from the render's answers.",
        **consumer_options(settings, group=group),
    )
    subscriber(on_export_result)
    context.broker.publisher(
        settings.topic(CLIP_EXPORT_REQUESTED),
        title="batch-api outbox relay (exports)",
        description="A creator asked for a clip to be rendered as an MP4 (or re-requested a failed one).",
        schema=ClipExportRequested,
    )
