"""What the API's write endpoints do: create, finalize and retry batches, edit clips.

Each loads, calls the pure core (validation, projection, idempotency), and stores in one write.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from viralclip_contracts import BATCH_CREATED, BatchCreated, ClipBatchConfig
from viralclip_runtime import current_trace_headers, derived_event_id

from ..adapters.repository import Repository
from ..adapters.webhook_guard import DestinationGuard, DestinationRefused, DestinationUnresolved
from ..api.models import ClipBatchCreate, ClipBatchPublic, ClipPublic, ClipUpdate
from ..api.public import batch_public, clip_public
from ..core import idempotency
from ..core.errors import ConflictError, FieldError, NotFoundError
from ..core.projection import BatchStatus, finalize, restart
from ..core.records import BatchRecord, Idempotency, OutboxEntry, utc_now
from ..core.validation import check_timeframe, edited_clip
from ..settings import BatchApiSettings

PRODUCER = "batch-api"
_MAX_RACES = 20


logger = logging.getLogger(__name__)


def _new_job_id() -> str:
    return f"j-{uuid.uuid4().hex[:16]}"


def _outbox_entry(event: BatchCreated, at: datetime) -> OutboxEntry:
    """The entry that publishes `event`, carrying the trace of the request that wrote it."""
    return OutboxEntry.of(event, created_at=at, trace_context=current_trace_headers())


def _created_event(batch_id: str, video_id: str, job_id: str, config: ClipBatchConfig) -> BatchCreated:
    return BatchCreated(
        event_id=derived_event_id(job_id, BATCH_CREATED),
        batch_id=batch_id,
        video_id=video_id,
        job_id=job_id,
        producer=PRODUCER,
        config=config,
    )


class BatchCommands:
    """Batch commands; `wake_relay` asks the outbox relay to publish what was just written."""

    def __init__(
        self,
        repo: Repository,
        settings: BatchApiSettings,
        wake_relay: Callable[[], None],
        webhook_guard: DestinationGuard,
    ) -> None:
        self._repo = repo
        self._settings = settings
        self._webhook_guard = webhook_guard
        self._wake_relay = wake_relay

    async def _video_duration(self, video_id: str) -> float:
        video = await self._repo.video(video_id)
        if video is None:
            raise NotFoundError("video", video_id)
        return video.duration_sec

    async def _check_webhook(self, url: str) -> None:
        if self._settings.webhook_secret is None:
            raise FieldError("webhook_url", "webhooks need VIRALCLIP_WEBHOOK_SECRET, which is not configured")
        try:
            await self._webhook_guard.pin(url)
        except DestinationRefused as refused:
            raise FieldError(
                "webhook_url", f"{refused}; webhooks are only sent to public internet addresses"
            ) from refused
        except DestinationUnresolved as unresolved:
            raise FieldError("webhook_url", f"{unresolved}; check the host name") from unresolved

    async def create(
        self, video_id: str, body: ClipBatchCreate, key: str | None
    ) -> tuple[ClipBatchPublic, bool]:
        """The new batch (or, for a repeated idempotency key, the first one) and whether it is a replay."""
        duration = await self._video_duration(video_id)
        config = body.to_config()
        check_timeframe(config, duration)
        if body.webhook_url is not None:
            await self._check_webhook(str(body.webhook_url))
        fingerprint = idempotency.fingerprint(video_id, body)
        if key is not None:
            batch_id = idempotency.batch_id_for_key(idempotency.validate_key(key))
        else:
            batch_id = f"b-{uuid.uuid4().hex[:16]}"
        job_id = _new_job_id()
        now = utc_now()
        event = _created_event(batch_id, video_id, job_id, config)
        batch = BatchRecord(
            batch_id=batch_id,
            video_id=video_id,
            name=body.name,
            config=config,
            current_job_id=job_id,
            webhook_url=str(body.webhook_url) if body.webhook_url else None,
            created_at=now,
            updated_at=now,
            stage_started_at=now,
            outbox=(_outbox_entry(event, now),),
            idempotency=Idempotency(fingerprint=fingerprint) if key is not None else None,
        )
        if await self._repo.insert_batch(batch):
            logger.info(
                "clip batch created", extra={"batch_id": batch_id, "job_id": job_id, "video_id": video_id}
            )
            self._wake_relay()
            return batch_public(batch), False
        existing = await self._repo.batch(batch_id)
        if existing is None:  # only a random id can collide and then vanish; astronomically rare
            raise ConflictError("batch id collision; send the request again")
        stored = existing.idempotency.fingerprint if existing.idempotency is not None else None
        idempotency.ensure_same_request(stored, fingerprint)
        return batch_public(existing), True

    async def _load(self, batch_id: str) -> BatchRecord:
        batch = await self._repo.batch(batch_id)
        if batch is None:
            raise NotFoundError("clip batch", batch_id)
        return batch

    async def finalize(self, batch_id: str) -> ClipBatchPublic:
        """Mark a ready batch final (409 otherwise)."""
        for _ in range(_MAX_RACES):
            batch = await self._load(batch_id)
            final = finalize(batch.state)
            if final == batch.state:
                return batch_public(batch)
            written = await self._repo.save_batch_state(batch, final, at=utc_now())
            if written is not None:
                return batch_public(written)
        raise ConflictError("the batch is changing too fast; try again")

    async def retry(self, batch_id: str) -> ClipBatchPublic:
        """Restart a failed batch as a new job, publishing a new `batch.created` via the outbox."""
        for _ in range(_MAX_RACES):
            batch = await self._load(batch_id)
            fresh = restart(batch.state, _new_job_id())
            event = _created_event(batch_id, batch.video_id, fresh.current_job_id, batch.config)
            now = utc_now()
            entry = _outbox_entry(event, now)
            written = await self._repo.save_batch_state(batch, fresh, at=now, publish=entry)
            if written is not None:
                self._wake_relay()
                return batch_public(written)
        raise ConflictError("the batch is changing too fast; try again")


async def edit_clip(repo: Repository, clip_id: str, edit: ClipUpdate) -> ClipPublic:
    """Apply a creator's edit, checked against the video; a finalized batch is read-only (409)."""
    clip = await repo.clip(clip_id)
    if clip is None:
        raise NotFoundError("clip", clip_id)
    batch = await repo.batch(clip.clip_batch_id)
    if batch is not None and batch.status is BatchStatus.FINAL:
        raise ConflictError("the clip's batch is final; its clips can no longer be edited")
    video = await repo.video(clip.video_id)
    if video is None:
        raise NotFoundError("video", clip.video_id)
    edited = edited_clip(clip, edit, video.duration_sec)
    await repo.save_clip_edit(edited)
    return clip_public(edited)
