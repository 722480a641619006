"""MongoDB access of batch-api: every read and every write of the collections it owns, as models.

`videos`, `clip_batches` (with their outbox), `jobs` and `webhook_deliveries` are batch-api's; of
`clips` it reads everything and writes only the fields of an edit. Each write is a single-document
operation; the state writes are conditional on the document's `version` (optimistic concurrency).
Documents are turned into the models of `records.py` here and nowhere else.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from viralclip_contracts import Clip

from ..core.projection import BatchState
from ..core.records import (
    BatchRecord,
    DeliveryStatus,
    JobRecord,
    LastEvent,
    OutboxEntry,
    Stall,
    VideoRecord,
    WebhookAttempt,
    WebhookDelivery,
)

Document = dict[str, Any]
VIDEOS = "videos"
CLIP_BATCHES = "clip_batches"
CLIPS = "clips"
JOBS = "jobs"
WEBHOOK_DELIVERIES = "webhook_deliveries"
ClipOrder = Literal["score", "time"]
_STATE_FIELDS = set(BatchState.model_fields)
_CLIP_EDIT_FIELDS = {"title", "description", "start_time_sec", "end_time_sec", "duration_sec", "status"}
_PENDING = {"outbox": {"$elemMatch": {"sent_at": None, "quarantined_at": None}}}


@dataclass(frozen=True)
class PendingEntry:
    """An outbox entry to publish: its record, or the error that keeps it from being one."""

    batch_id: str
    event_id: str
    entry: OutboxEntry | None
    error: Exception | None = None


class Repository:
    """The documents batch-api reads and writes."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._videos = db[VIDEOS]
        self._batches = db[CLIP_BATCHES]
        self._clips = db[CLIPS]
        self._jobs = db[JOBS]
        self._deliveries = db[WEBHOOK_DELIVERIES]

    async def create_indexes(self) -> None:
        """Indexes of the list queries (idempotent)."""
        await self._batches.create_index([("video_id", ASCENDING), ("created_at", DESCENDING)])
        await self._videos.create_index([("created_at", DESCENDING)])
        await self._clips.create_index([("clip_batch_id", ASCENDING), ("viral_score", DESCENDING)])
        await self._batches.create_index([("status", ASCENDING)])  # the stall watch reads the drafts

    # --- videos ---------------------------------------------------------------------------------

    async def insert_video(self, video: VideoRecord) -> bool:
        """Store a new video; False when its id is taken."""
        return await _insert(self._videos, to_document(video))

    async def video(self, video_id: str) -> VideoRecord | None:
        doc = await self._videos.find_one({"_id": video_id})
        return VideoRecord.model_validate(doc) if doc else None

    async def videos_page(self, *, skip: int, limit: int) -> tuple[list[VideoRecord], int]:
        """A page of the videos, newest first, without transcripts and scenes, and how many there are."""
        cursor = (
            self._videos.find({}, {"transcript": 0, "scenes": 0})
            .sort([("created_at", DESCENDING), ("_id", DESCENDING)])
            .skip(skip)
            .limit(limit)
        )
        docs = await cursor.to_list(None)
        return [VideoRecord.model_validate(d) for d in docs], await self._videos.count_documents({})

    # --- batches and their outbox ---------------------------------------------------------------

    async def insert_batch(self, batch: BatchRecord) -> bool:
        """Store a new batch with its outbox in one write; False when its id is taken."""
        return await _insert(self._batches, to_document(batch))

    async def batch(self, batch_id: str) -> BatchRecord | None:
        """The batch without its outbox."""
        doc = await self._batches.find_one({"_id": batch_id}, {"outbox": 0})
        return BatchRecord.model_validate(doc) if doc else None

    async def batch_with_outbox(self, batch_id: str) -> BatchRecord | None:
        doc = await self._batches.find_one({"_id": batch_id})
        return BatchRecord.model_validate(doc) if doc else None

    async def batches_of_video(
        self, video_id: str, *, skip: int, limit: int
    ) -> tuple[list[BatchRecord], int]:
        """A page of the video's batches, newest first, and how many there are."""
        query = {"video_id": video_id}
        cursor = (
            self._batches.find(query, {"outbox": 0})
            .sort([("created_at", DESCENDING), ("_id", DESCENDING)])
            .skip(skip)
            .limit(limit)
        )
        docs = await cursor.to_list(None)
        return [BatchRecord.model_validate(d) for d in docs], await self._batches.count_documents(query)

    async def count_batches_by_status(self) -> dict[str, int]:
        """How many batches are in each status."""
        cursor = await self._batches.aggregate([{"$group": {"_id": "$status", "count": {"$sum": 1}}}])
        return {str(row["_id"]): int(row["count"]) async for row in cursor}

    async def draft_batches(self) -> list[BatchRecord]:
        """Every batch still in progress (status draft), without its outbox."""
        docs = await self._batches.find({"status": "draft"}, {"outbox": 0}).to_list(None)
        return [BatchRecord.model_validate(d) for d in docs]

    async def save_batch_state(
        self,
        batch: BatchRecord,
        state: BatchState,
        *,
        at: datetime,
        publish: OutboxEntry | None = None,
        last_event: LastEvent | None = None,
    ) -> BatchRecord | None:
        """Write `state` (with the event that caused it, and queue `publish` in the outbox) if the batch
        is still at `batch.version`; the batch as written, or None when another writer came first."""
        written = batch.with_state(state, at).model_copy(update={"version": batch.version + 1})
        fields = _STATE_FIELDS | {"updated_at", "version", "stage_started_at"}
        if last_event is not None:
            written = written.model_copy(update={"last_event": last_event})
            fields.add("last_event")
        update: Document = {"$set": to_document(written, include=fields)}
        if publish is not None:
            update["$push"] = {"outbox": to_document(publish)}
        result = await self._batches.update_one({"_id": batch.batch_id, "version": batch.version}, update)
        return written if result.modified_count == 1 else None

    async def claim_stall(self, batch: BatchRecord, stall: Stall, *, publish: OutboxEntry | None) -> bool:
        """Record the stall watch's step on the batch (and queue its event) if the batch is still as it
        was read: the conditional write that lets exactly one replica act. `updated_at` is left alone."""
        update: Document = {"$set": {"stall": to_document(stall), "version": batch.version + 1}}
        if publish is not None:
            update["$push"] = {"outbox": to_document(publish)}
        result = await self._batches.update_one({"_id": batch.batch_id, "version": batch.version}, update)
        return result.modified_count == 1

    async def pending_outbox(self) -> AsyncIterator[PendingEntry]:
        """Every event not yet published nor set aside, oldest batch first; an entry that no longer
        validates comes with the reason instead of its record."""
        cursor = self._batches.find(_PENDING, {"outbox": 1}).sort("created_at", 1)
        async for doc in cursor:
            for raw in doc["outbox"]:
                if raw.get("sent_at") is not None or raw.get("quarantined_at") is not None:
                    continue
                try:
                    yield PendingEntry(doc["_id"], str(raw.get("event_id")), OutboxEntry.model_validate(raw))
                except (KeyError, TypeError, ValidationError) as error:
                    yield PendingEntry(doc["_id"], str(raw.get("event_id")), None, error)

    async def quarantine(self, batch_id: str, event_id: str, *, reason: str, at: datetime) -> None:
        """Set aside an outbox entry that no longer validates, with the reason."""
        await self._batches.update_one(
            {"_id": batch_id, "outbox.event_id": event_id},
            {"$set": {"outbox.$.quarantined_at": at, "outbox.$.quarantine_error": reason}},
        )

    async def count_quarantined_outbox_entries(self) -> int:
        """Outbox entries the relay set aside because they no longer validate."""
        query = {"outbox": {"$elemMatch": {"quarantined_at": {"$type": "date"}}}}
        docs = await self._batches.find(query, {"outbox.quarantined_at": 1}).to_list(None)
        return sum(1 for doc in docs for entry in doc["outbox"] if entry.get("quarantined_at") is not None)

    async def mark_sent(self, batch_id: str, event_id: str, *, at: datetime) -> None:
        """Record that the outbox entry `event_id` of the batch was published."""
        await self._batches.update_one(
            {"_id": batch_id, "outbox.event_id": event_id}, {"$set": {"outbox.$.sent_at": at}}
        )

    # --- jobs -------------------------------------------------------------------------------------

    async def job(self, job_id: str) -> JobRecord | None:
        doc = await self._jobs.find_one({"_id": job_id})
        return JobRecord.model_validate(doc) if doc else None

    async def insert_job(self, job: JobRecord) -> bool:
        """Store a job seen for the first time; False when another writer stored it first."""
        return await _insert(self._jobs, to_document(job))

    async def save_job_state(self, job: JobRecord, state: BatchState, *, at: datetime) -> bool:
        """Write `state` if the job is still at `job.version`; False when another writer came first."""
        changes = {**dict(state), "updated_at": at, "version": job.version + 1}
        written = job.model_copy(update=changes)
        result = await self._jobs.update_one(
            {"_id": job.job_id, "version": job.version},
            {"$set": to_document(written, include=_STATE_FIELDS | {"updated_at", "version"})},
        )
        return result.modified_count == 1

    # --- clips ------------------------------------------------------------------------------------

    async def clip(self, clip_id: str) -> Clip | None:
        doc = await self._clips.find_one({"_id": clip_id})
        return _clip(doc) if doc else None

    async def clips_of_batch(
        self,
        batch_id: str,
        *,
        order: ClipOrder,
        min_score: float | None,
        skip: int,
        limit: int,
    ) -> tuple[list[Clip], int]:
        """A page of the batch's clips, best first (or in timeline order), and how many match."""
        query: Document = {"clip_batch_id": batch_id}
        if min_score is not None:
            query["viral_score"] = {"$gte": min_score}
        sort = (
            [("viral_score", DESCENDING), ("start_time_sec", ASCENDING)]
            if order == "score"
            else [("start_time_sec", ASCENDING), ("end_time_sec", ASCENDING)]
        )
        cursor = self._clips.find(query).sort([*sort, ("_id", ASCENDING)]).skip(skip).limit(limit)
        docs = await cursor.to_list(None)
        return [_clip(d) for d in docs], await self._clips.count_documents(query)

    async def save_clip_edit(self, clip: Clip) -> None:
        """Write the fields of an edit (title, description, range, status) and nothing else."""
        await self._clips.update_one({"_id": clip.clip_id}, {"$set": clip_edit_fields(clip)})

    # --- webhook deliveries -----------------------------------------------------------------------

    async def record_delivery(self, delivery: WebhookDelivery) -> None:
        """Store a delivery unless one with its id exists (a replayed terminal status sends once)."""
        fields = delivery.model_dump(by_alias=True, exclude={"updated_at"})
        await self._deliveries.update_one({"_id": fields.pop("_id")}, {"$setOnInsert": fields}, upsert=True)

    async def due_deliveries(self, now: datetime, *, limit: int) -> list[WebhookDelivery]:
        """Pending deliveries whose next attempt is due, the longest waiting first."""
        query = {"status": "pending", "next_attempt_at": {"$lte": now}}
        docs = await self._deliveries.find(query).sort("next_attempt_at", 1).limit(limit).to_list(None)
        return [WebhookDelivery.model_validate(d) for d in docs]

    async def claim_delivery(self, delivery: WebhookDelivery, *, until: datetime) -> bool:
        """Move a due delivery's next attempt to `until` unless another replica did so first."""
        claimed = await self._deliveries.update_one(
            {
                "_id": delivery.delivery_id,
                "status": "pending",
                "next_attempt_at": delivery.next_attempt_at,
            },
            {"$set": {"next_attempt_at": until}},
        )
        return claimed.modified_count == 1

    async def record_attempt(
        self,
        delivery_id: str,
        attempt: WebhookAttempt,
        *,
        status: DeliveryStatus | None,
        next_attempt_at: datetime | None,
    ) -> None:
        """Append an attempt; set the final `status`, or when to try again."""
        changes: Document = {"updated_at": attempt.at}
        if status is not None:
            changes["status"] = status
        if next_attempt_at is not None:
            changes["next_attempt_at"] = next_attempt_at
        await self._deliveries.update_one(
            {"_id": delivery_id},
            {"$push": {"attempts": attempt.model_dump(exclude_none=True)}, "$set": changes},
        )


def to_document(record: BaseModel, *, include: set[str] | None = None) -> Document:
    """The MongoDB document of a record (`_id` for its id; datetimes and enums as BSON takes them);
    `Record.model_validate(document)` reads it back."""
    dumped: Document = record.model_dump(by_alias=True, include=include)
    return dumped


def clip_edit_fields(clip: Clip) -> Document:
    """The fields of a clip that batch-api owns and writes on an edit."""
    return clip.model_dump(mode="json", include=_CLIP_EDIT_FIELDS)


def _clip(doc: Document) -> Clip:
    return Clip.model_validate({**doc, "clip_id": doc["_id"]})


async def _insert(collection: Any, doc: Document) -> bool:
    try:
        await collection.insert_one(doc)
    except DuplicateKeyError:
        return False
    return True
