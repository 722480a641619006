"""The projector: folds every pipeline event into `clip_batches` and `jobs` with `projection.apply_event`.

Writes are conditional on the document's `version` (optimistic concurrency), so events of one batch
handled at the same time by different topic consumers never overwrite each other; a lost race re-reads
and re-applies. Re-delivered events change nothing (the inbox skips them; the state machine would too).
"""

import logging
from collections.abc import Awaitable, Callable

from viralclip_contracts import BatchFailed, PipelineEvent

from ..core.projection import BatchState, apply_event
from ..core.records import BatchRecord, JobRecord, LastEvent, utc_now
from .changes import BatchChanges
from .repository import Repository

logger = logging.getLogger(__name__)
_MAX_RACES = 20
OnTerminal = Callable[[BatchRecord, BatchState], Awaitable[None]]


class ProjectionContention(TimeoutError):
    """Too many concurrent writers on one document; transient, so the delivery is retried."""


class Projector:
    """Applies pipeline events to the batch and job read models."""

    def __init__(self, repo: Repository, changes: BatchChanges, on_terminal: OnTerminal) -> None:
        self._repo = repo
        self._changes = changes
        self._on_terminal = on_terminal

    async def project(self, event: PipelineEvent) -> None:
        """Fold `event` into its batch and its job; a batch that does not exist is left alone."""
        await self._project_batch(event)
        await self._project_job(event)

    async def _project_batch(self, event: PipelineEvent) -> None:
        for _ in range(_MAX_RACES):
            batch = await self._repo.batch(event.batch_id)
            if batch is None:
                logger.info("event for an unknown batch ignored")
                return
            result = apply_event(batch.state, event)
            if result.changed:
                # the event that moved the batch into its stage, for a re-drive by the stall watch
                cause = None if isinstance(event, BatchFailed) else LastEvent.of(event)
                written = await self._repo.save_batch_state(
                    batch, result.state, at=utc_now(), last_event=cause
                )
                if written is None:
                    continue
                self._changes.notify()
                logger.info(
                    "batch projected", extra={"stage": result.state.stage, "status": result.state.status}
                )
            else:
                logger.info("event left the batch unchanged", extra={"outcome": result.outcome})
            if result.state.is_terminal and event.job_id == result.state.current_job_id:
                await self._on_terminal(batch, result.state)
            return
        raise ProjectionContention(f"batch {event.batch_id}: too many concurrent updates")

    async def _project_job(self, event: PipelineEvent) -> None:
        for _ in range(_MAX_RACES):
            job = await self._repo.job(event.job_id)
            if job is None:
                now = utc_now()
                result = apply_event(BatchState(current_job_id=event.job_id), event)
                fresh = JobRecord(
                    job_id=event.job_id,
                    batch_id=event.batch_id,
                    video_id=event.video_id,
                    **dict(result.state),
                    created_at=now,
                    updated_at=now,
                )
                if await self._repo.insert_job(fresh):
                    return
                continue
            result = apply_event(job.state, event)
            if not result.changed or await self._repo.save_job_state(job, result.state, at=utc_now()):
                return
        raise ProjectionContention(f"job {event.job_id}: too many concurrent updates")
