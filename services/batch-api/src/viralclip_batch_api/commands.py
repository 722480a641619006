"""What the API's write endpoints do: create, finalize and retry batches, edit clips.

Each loads, calls the pure core (validation, projection, idempotency), and stores in one write.
"""

import logging
import uuid
from collections.abc import Callable

from viralclip_contracts import BATCH_CREATED, BatchCreated, ClipBatchConfig
from viralclip_runtime import derived_event_id

from . import idempotency
from .documents import (
    Document,
    batch_document,
    batch_public,
    clip_public,
    outbox_entry,
    state_fields,
    state_from_document,
    utc_now,
)
from .errors import ConflictError, FieldError, NotFoundError
from .models import ClipBatchCreate, ClipBatchPublic, ClipPublic, ClipUpdate
from .projection import BatchState, BatchStatus, finalize, restart
from .repository import Repository
from .settings import BatchApiSettings
from .validation import check_timeframe, edited_clip
from .webhook_guard import DestinationGuard, DestinationRefused, DestinationUnresolved

PRODUCER = "batch-api"
_MAX_RACES = 20


logger = logging.getLogger(__name__)


def _new_job_id() -> str:
    return f"j-{uuid.uuid4().hex[:16]}"


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
        return float(video["duration_sec"])

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
        fingerprint = idempotency.fingerprint(video_id, body.model_dump(mode="json"))
        if key is not None:
            batch_id = idempotency.batch_id_for_key(idempotency.validate_key(key))
        else:
            batch_id = f"b-{uuid.uuid4().hex[:16]}"
        job_id = _new_job_id()
        now = utc_now()
        event = _created_event(batch_id, video_id, job_id, config)
        doc = batch_document(
            batch_id=batch_id,
            video_id=video_id,
            name=body.name,
            config=config,
            state=BatchState(current_job_id=job_id),
            webhook_url=str(body.webhook_url) if body.webhook_url else None,
            created_at=now,
            outbox=[outbox_entry(BATCH_CREATED, event, now)],
            idempotency={"fingerprint": fingerprint} if key is not None else None,
        )
        if await self._repo.insert_batch(doc):
            logger.info(
                "clip batch created", extra={"batch_id": batch_id, "job_id": job_id, "video_id": video_id}
            )
            self._wake_relay()
            return batch_public(doc), False
        existing = await self._repo.batch(batch_id)
        if existing is None:  # only a random id can collide and then vanish; astronomically rare
            raise ConflictError("batch id collision; send the request again")
        idempotency.ensure_same_request(existing.get("idempotency", {}).get("fingerprint"), fingerprint)
        return batch_public(existing), True

    async def _load(self, batch_id: str) -> Document:
        doc = await self._repo.batch(batch_id)
        if doc is None:
            raise NotFoundError("clip batch", batch_id)
        return doc

    async def finalize(self, batch_id: str) -> ClipBatchPublic:
        """Mark a ready batch final (409 otherwise)."""
        for _ in range(_MAX_RACES):
            doc = await self._load(batch_id)
            state = state_from_document(doc)
            final = finalize(state)
            if final == state:
                return batch_public(doc)
            changes = {**state_fields(final), "updated_at": utc_now()}
            if await self._repo.update_batch(batch_id, version=doc["version"], changes=changes):
                return batch_public({**doc, **changes})
        raise ConflictError("the batch is changing too fast; try again")

    async def retry(self, batch_id: str) -> ClipBatchPublic:
        """Restart a failed batch as a new job, publishing a new `batch.created` via the outbox."""
        for _ in range(_MAX_RACES):
            doc = await self._load(batch_id)
            fresh = restart(state_from_document(doc), _new_job_id())
            now = utc_now()
            config = ClipBatchConfig.model_validate(doc["config"])
            event = _created_event(batch_id, doc["video_id"], fresh.current_job_id, config)
            changes = {**state_fields(fresh), "updated_at": now, "stage_started_at": now}
            pushed = {"outbox": outbox_entry(BATCH_CREATED, event, now)}
            if await self._repo.update_batch(batch_id, version=doc["version"], changes=changes, push=pushed):
                self._wake_relay()
                return batch_public({**doc, **changes})
        raise ConflictError("the batch is changing too fast; try again")


async def edit_clip(repo: Repository, clip_id: str, edit: ClipUpdate) -> ClipPublic:
    """Apply a creator's edit, checked against the video; a finalized batch is read-only (409)."""
    clip = await repo.clip(clip_id)
    if clip is None:
        raise NotFoundError("clip", clip_id)
    batch = await repo.batch(clip.clip_batch_id)
    if batch is not None and batch.get("status") == BatchStatus.FINAL:
        raise ConflictError("the clip's batch is final; its clips can no longer be edited")
    video = await repo.video(clip.video_id)
    if video is None:
        raise NotFoundError("video", clip.video_id)
    edited = edited_clip(clip, edit, float(video["duration_sec"]))
    await repo.save_clip_edit(edited)
    return clip_public(edited)
