"""MongoDB access of batch-api: `videos`, `clip_batches` and `clips` (reads, and the fields it owns)."""

from typing import Any, Literal

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from viralclip_contracts import Clip

from .documents import Document, clip_edit_fields, clip_from_document

VIDEOS = "videos"
CLIP_BATCHES = "clip_batches"
CLIPS = "clips"
JOBS = "jobs"
WEBHOOK_DELIVERIES = "webhook_deliveries"
ClipOrder = Literal["score", "time"]


class Repository:
    """The documents batch-api reads and writes; every write is a single-document operation."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.db = db
        self.videos = db[VIDEOS]
        self.batches = db[CLIP_BATCHES]
        self.clips = db[CLIPS]

    async def create_indexes(self) -> None:
        """Indexes of the list queries (idempotent)."""
        await self.batches.create_index([("video_id", ASCENDING), ("created_at", DESCENDING)])
        await self.videos.create_index([("created_at", DESCENDING)])
        await self.clips.create_index([("clip_batch_id", ASCENDING), ("viral_score", DESCENDING)])
        await self.batches.create_index([("status", ASCENDING)])  # the stall watch reads the drafts

    async def insert_video(self, doc: Document) -> bool:
        """Store a new video; False when its id is taken."""
        try:
            await self.videos.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def video(self, video_id: str) -> Document | None:
        return await self.videos.find_one({"_id": video_id})

    async def videos_page(self, *, skip: int, limit: int) -> tuple[list[Document], int]:
        """A page of the videos, newest first, without transcripts and scenes, and how many there are."""
        cursor = (
            self.videos.find({}, {"transcript": 0, "scenes": 0})
            .sort([("created_at", DESCENDING), ("_id", DESCENDING)])
            .skip(skip)
            .limit(limit)
        )
        return await cursor.to_list(None), await self.videos.count_documents({})

    async def insert_batch(self, doc: Document) -> bool:
        """Store a new batch with its outbox in one write; False when its id is taken."""
        try:
            await self.batches.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def batch(self, batch_id: str) -> Document | None:
        return await self.batches.find_one({"_id": batch_id}, {"outbox": 0})

    async def batch_with_outbox(self, batch_id: str) -> Document | None:
        return await self.batches.find_one({"_id": batch_id})

    async def batches_of_video(self, video_id: str, *, skip: int, limit: int) -> tuple[list[Document], int]:
        """A page of the video's batches, newest first, and how many there are."""
        query = {"video_id": video_id}
        cursor = (
            self.batches.find(query, {"outbox": 0})
            .sort([("created_at", DESCENDING), ("_id", DESCENDING)])
            .skip(skip)
            .limit(limit)
        )
        return await cursor.to_list(None), await self.batches.count_documents(query)

    async def count_batches_by_status(self) -> dict[str, int]:
        """How many batches are in each status."""
        cursor = await self.batches.aggregate([{"$group": {"_id": "$status", "count": {"$sum": 1}}}])
        return {str(row["_id"]): int(row["count"]) async for row in cursor}

    async def count_quarantined_outbox_entries(self) -> int:
        """Outbox entries the relay set aside because they no longer validate."""
        query = {"outbox": {"$elemMatch": {"quarantined_at": {"$type": "date"}}}}
        docs = await self.batches.find(query, {"outbox.quarantined_at": 1}).to_list(None)
        return sum(1 for doc in docs for entry in doc["outbox"] if entry.get("quarantined_at") is not None)

    async def update_batch(
        self, batch_id: str, *, version: int, changes: Document, push: Document | None = None
    ) -> bool:
        """Write `changes` if the batch is still at `version` (optimistic concurrency)."""
        update: dict[str, Any] = {"$set": {**changes, "version": version + 1}}
        if push:
            update["$push"] = push
        result = await self.batches.update_one({"_id": batch_id, "version": version}, update)
        return result.modified_count == 1

    async def draft_batches(self) -> list[Document]:
        """Every batch still in progress (status draft), without its outbox."""
        return await self.batches.find({"status": "draft"}, {"outbox": 0}).to_list(None)

    async def claim_stall(self, doc: Document, *, stall: Document, push: Document | None) -> bool:
        """Record the stall watch's step on the batch (and queue its event) if the batch is still as it
        was read: the conditional write that lets exactly one replica act. `updated_at` is left alone."""
        return await self.update_batch(
            doc["_id"], version=doc["version"], changes={"stall": stall}, push=push
        )

    async def clip(self, clip_id: str) -> Clip | None:
        doc = await self.clips.find_one({"_id": clip_id})
        return clip_from_document(doc) if doc else None

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
        cursor = self.clips.find(query).sort([*sort, ("_id", ASCENDING)]).skip(skip).limit(limit)
        docs = await cursor.to_list(None)
        return [clip_from_document(d) for d in docs], await self.clips.count_documents(query)

    async def save_clip_edit(self, clip: Clip) -> None:
        """Write the fields of an edit (title, description, range, status) and nothing else."""
        await self.clips.update_one({"_id": clip.clip_id}, {"$set": clip_edit_fields(clip)})
