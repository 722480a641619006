"""The projector: folds every pipeline event into `clip_batches` and `jobs` with `projection.apply_event`.

Writes are conditional on the document's `version` (optimistic concurrency), so events of one batch
handled at the same time by different topic consumers never overwrite each other; a lost race re-reads
and re-applies. Re-delivered events change nothing (the inbox skips them; the state machine would too).
"""

import logging
from collections.abc import Awaitable, Callable

from pymongo.errors import DuplicateKeyError

from viralclip_contracts import BatchFailed, PipelineEvent

from .changes import BatchChanges
from .documents import Document, state_fields, state_from_document, utc_now
from .projection import BatchState, apply_event
from .repository import JOBS, Repository

logger = logging.getLogger(__name__)
_MAX_RACES = 20
OnTerminal = Callable[[Document, BatchState], Awaitable[None]]


def last_event(event: PipelineEvent) -> Document:
    """The event that moved the batch into its stage, as stored for a re-drive by the stall watch."""
    return {"topic": event.event_type, "event": event.model_dump(mode="json")}


class ProjectionContention(TimeoutError):
    """Too many concurrent writers on one document; transient, so the delivery is retried."""


class Projector:
    """Applies pipeline events to the batch and job read models."""

    def __init__(self, repo: Repository, changes: BatchChanges, on_terminal: OnTerminal) -> None:
        self._repo = repo
        self._jobs = repo.db[JOBS]
        self._changes = changes
        self._on_terminal = on_terminal

    async def project(self, event: PipelineEvent) -> None:
        """Fold `event` into its batch and its job; a batch that does not exist is left alone."""
        await self._project_batch(event)
        await self._project_job(event)

    async def _project_batch(self, event: PipelineEvent) -> None:
        for _ in range(_MAX_RACES):
            doc = await self._repo.batch(event.batch_id)
            if doc is None:
                logger.info("event for an unknown batch ignored")
                return
            before = state_from_document(doc)
            result = apply_event(before, event)
            if result.changed:
                now = utc_now()
                changes = {**state_fields(result.state), "updated_at": now}
                if result.state.stage != before.stage:
                    changes["stage_started_at"] = now
                if not isinstance(event, BatchFailed):
                    changes["last_event"] = last_event(event)
                if not await self._repo.update_batch(event.batch_id, version=doc["version"], changes=changes):
                    continue
                self._changes.notify()
                logger.info(
                    "batch projected", extra={"stage": result.state.stage, "status": result.state.status}
                )
            else:
                logger.info("event left the batch unchanged", extra={"outcome": result.outcome})
            if result.state.is_terminal and event.job_id == result.state.current_job_id:
                await self._on_terminal(doc, result.state)
            return
        raise ProjectionContention(f"batch {event.batch_id}: too many concurrent updates")

    async def _project_job(self, event: PipelineEvent) -> None:
        for _ in range(_MAX_RACES):
            doc = await self._jobs.find_one({"_id": event.job_id})
            if doc is None:
                state = BatchState(current_job_id=event.job_id)
                now = utc_now()
                result = apply_event(state, event)
                fresh = {
                    "_id": event.job_id,
                    "batch_id": event.batch_id,
                    "video_id": event.video_id,
                    **state_fields(result.state),
                    "created_at": now,
                    "updated_at": now,
                    "version": 0,
                }
                try:
                    await self._jobs.insert_one(fresh)
                except DuplicateKeyError:
                    continue
                return
            result = apply_event(state_from_document(doc), event)
            if not result.changed:
                return
            changes = {
                **state_fields(result.state),
                "updated_at": utc_now(),
                "version": doc["version"] + 1,
            }
            written = await self._jobs.update_one(
                {"_id": event.job_id, "version": doc["version"]}, {"$set": changes}
            )
            if written.modified_count == 1:
                return
        raise ProjectionContention(f"job {event.job_id}: too many concurrent updates")
