"""MongoDB access of clip exports: the `exports` collection, export requests in a batch's outbox, and the
clip's `exported` status.

batch-api owns every field of an export document but `render` (`render.progress`, `render.started_at`,
`render.attempts`), which the render service writes while it works. Writes of batch-api's fields are
conditional on the document's `version`; the render's writes touch only `render.*` and leave it alone.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from viralclip_contracts import ExportStatus

from ..core.export_state import ExportState
from ..core.records import OutboxEntry
from .repository import CLIP_BATCHES, CLIPS, Document, to_document

EXPORTS = "exports"
_STATE_FIELDS = tuple(ExportState.model_fields)


@dataclass(frozen=True)
class RenderProgress:
    """The render service's own fields of an export document."""

    progress: float | None = None
    started_at: datetime | None = None
    attempts: int | None = None


@dataclass(frozen=True)
class ExportRecord:
    """An export document: batch-api's state, the render's fields, and bookkeeping."""

    state: ExportState
    render: RenderProgress
    version: int
    created_at: datetime
    updated_at: datetime


def _record(doc: Document) -> ExportRecord:
    render = doc.get("render") or {}
    return ExportRecord(
        state=ExportState.model_validate(
            {"export_id": doc["_id"], **{name: doc[name] for name in _STATE_FIELDS if name in doc}}
        ),
        render=RenderProgress(
            progress=render.get("progress"),
            started_at=render.get("started_at"),
            attempts=render.get("attempts"),
        ),
        version=int(doc["version"]),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
    )


def _state_fields(state: ExportState) -> Document:
    fields = state.model_dump(mode="python", exclude={"export_id"})
    fields["settings"] = state.settings.model_dump(mode="json")
    fields["status"] = state.status.value
    return fields


class ExportRepository:
    """The documents of clip exports; every write is a single-document operation."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.exports = db[EXPORTS]
        self._batches = db[CLIP_BATCHES]
        self._clips = db[CLIPS]

    async def create_indexes(self) -> None:
        """Indexes of the list queries and of the event stream (idempotent)."""
        await self.exports.create_index([("clip_id", ASCENDING), ("created_at", DESCENDING)])
        await self.exports.create_index([("batch_id", ASCENDING), ("status", ASCENDING)])
        await self.exports.create_index([("batch_id", ASCENDING), ("updated_at", DESCENDING)])

    async def get(self, export_id: str) -> ExportRecord | None:
        doc = await self.exports.find_one({"_id": export_id})
        return _record(doc) if doc else None

    async def insert(self, state: ExportState, at: datetime) -> bool:
        """Store a new export; False when it exists already."""
        doc = {
            "_id": state.export_id,
            **_state_fields(state),
            "version": 0,
            "created_at": at,
            "updated_at": at,
        }
        try:
            await self.exports.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def update(self, state: ExportState, *, version: int, at: datetime) -> bool:
        """Write batch-api's fields if the export is still at `version` (optimistic concurrency)."""
        changes = {**_state_fields(state), "version": version + 1, "updated_at": at}
        result = await self.exports.update_one(
            {"_id": state.export_id, "version": version}, {"$set": changes}
        )
        return result.modified_count == 1

    async def _list(self, query: Document, *, skip: int, limit: int) -> tuple[list[ExportRecord], int]:
        cursor = self.exports.find(query).sort([("created_at", DESCENDING), ("_id", ASCENDING)])
        docs = await cursor.skip(skip).limit(limit).to_list(None)
        return [_record(doc) for doc in docs], await self.exports.count_documents(query)

    async def of_clip(
        self, clip_id: str, *, skip: int = 0, limit: int = 100
    ) -> tuple[list[ExportRecord], int]:
        """A page of the clip's exports, newest first, and how many there are."""
        return await self._list({"clip_id": clip_id}, skip=skip, limit=limit)

    async def of_batch(
        self, batch_id: str, *, skip: int = 0, limit: int = 100
    ) -> tuple[list[ExportRecord], int]:
        """A page of the batch's exports, newest first, and how many there are."""
        return await self._list({"batch_id": batch_id}, skip=skip, limit=limit)

    async def watched(self, batch_id: str, *, changed_since: datetime) -> list[ExportRecord]:
        """The batch's exports in flight, and those changed since `changed_since` (for its event stream)."""
        query: Document = {
            "batch_id": batch_id,
            "$or": [{"status": ExportStatus.QUEUED.value}, {"updated_at": {"$gte": changed_since}}],
        }
        docs = await self.exports.find(query).sort("created_at", ASCENDING).to_list(None)
        return [_record(doc) for doc in docs]

    async def in_flight(self, batch_id: str) -> bool:
        """True while an export of the batch is queued or rendering."""
        query = {"batch_id": batch_id, "status": ExportStatus.QUEUED.value}
        return await self.exports.find_one(query, {"_id": 1}) is not None

    async def push_request(self, batch_id: str, entry: OutboxEntry) -> bool:
        """Add an export request to the batch's outbox unless it is there already (same event id);
        False when the batch does not exist."""
        query: dict[str, Any] = {"_id": batch_id, "outbox.event_id": {"$ne": entry.event_id}}
        result = await self._batches.update_one(query, {"$push": {"outbox": to_document(entry)}})
        if result.matched_count == 1:
            return True
        return await self._batches.find_one({"_id": batch_id}, {"_id": 1}) is not None

    async def mark_clip_exported(self, clip_id: str, *, start_sec: float, end_sec: float) -> bool:
        """Set the clip's status to `exported` if its range is still the exported one; True if set."""
        result = await self._clips.update_one(
            {"_id": clip_id, "start_time_sec": start_sec, "end_time_sec": end_sec},
            {"$set": {"status": "exported"}},
        )
        return result.matched_count == 1
