"""MongoDB access of the scoring service: reads `videos`, writes `clips` and `clip_llm_contexts`.

Scoring creates clips (every field of the seed's Clip, plus `job_id`) but leaves alone what others own:
the thumbnail fields (thumbnail service) and clips a creator edited or exported (batch-api).
"""

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from viralclip_contracts import Clip, ClipStatus, Event
from viralclip_runtime import is_stale_job

from .batch_scoring import Exchange
from .llm_schema import LlmClipList
from .prompt import LlmPrompt, VideoBrief
from .providers import TokenUsage

logger = logging.getLogger(__name__)

CLIPS = "clips"
CONTEXTS = "clip_llm_contexts"
DUPLICATE_KEY = 11000
_NOT_SET_BY_SCORING = {"clip_id", "status", "thumbnail_path", "thumbnail_error"}

Document = dict[str, Any]


class ScoringRepository(ABC):
    """Port: what the handler reads and writes."""

    @abstractmethod
    async def is_stale(self, event: Event) -> bool:
        """Whether the batch has moved on to another job than the event's."""

    @abstractmethod
    async def load_video(self, video_id: str) -> tuple[VideoBrief, float | None]:
        """Title and summary of the video for the prompt, and its duration when known."""

    @abstractmethod
    async def find_exchange(self, exchange_id: str) -> Exchange | None:
        """The stored exchange of a call, if it was made before."""

    @abstractmethod
    async def save_exchange(self, exchange: Exchange) -> Exchange:
        """Store an exchange unless one is stored already; return the stored one (the first wins)."""

    @abstractmethod
    async def save_clips(self, batch_id: str, job_id: str, clips: Sequence[Clip]) -> bool:
        """Upsert the job's clips and remove untouched candidates of earlier jobs (idempotent). False,
        and nothing written, when the batch has moved on to another job (a straggler of a retried job
        must not overwrite the new job's clips)."""


class MongoScoringRepository(ScoringRepository):
    """The repository over `videos`, `clips`, `clip_llm_contexts` and `clip_batches`."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    async def is_stale(self, event: Event) -> bool:
        return await is_stale_job(self._db, event)

    async def load_video(self, video_id: str) -> tuple[VideoBrief, float | None]:
        document = await self._db["videos"].find_one(
            {"_id": video_id}, {"title": 1, "summary": 1, "duration_sec": 1}
        )
        if document is None:
            logger.warning("video not registered; scoring without its title and summary")
            return VideoBrief(title="", summary=""), None
        duration = document.get("duration_sec")
        return (
            VideoBrief(title=str(document.get("title") or ""), summary=str(document.get("summary") or "")),
            float(duration) if isinstance(duration, int | float) and duration > 0 else None,
        )

    async def find_exchange(self, exchange_id: str) -> Exchange | None:
        document = await self._db[CONTEXTS].find_one({"_id": exchange_id})
        return None if document is None else exchange_from_document(document)

    async def save_exchange(self, exchange: Exchange) -> Exchange:
        await self._db[CONTEXTS].update_one(
            {"_id": exchange.exchange_id},
            {"$setOnInsert": exchange_document(exchange)},
            upsert=True,
        )
        stored = await self.find_exchange(exchange.exchange_id)
        return stored or exchange

    async def save_clips(self, batch_id: str, job_id: str, clips: Sequence[Clip]) -> bool:
        if await _superseded(self._db, batch_id, job_id):
            return False
        now = datetime.now(UTC)
        if clips:
            writes = [
                UpdateOne(
                    {"_id": clip.clip_id, "status": ClipStatus.CANDIDATE.value},
                    {
                        "$set": {**clip_fields(clip), "job_id": job_id, "updated_at": now},
                        "$setOnInsert": {
                            "status": ClipStatus.CANDIDATE.value,
                            "thumbnail_path": None,
                            "thumbnail_error": None,
                            "created_at": now,
                        },
                    },
                    upsert=True,
                )
                for clip in clips
            ]
            try:
                await self._db[CLIPS].bulk_write(writes, ordered=False)
            except BulkWriteError as error:
                _ignore_edited_clips(error)
        removed = await self._db[CLIPS].delete_many(
            {
                "clip_batch_id": batch_id,
                "job_id": {"$ne": job_id},
                "status": ClipStatus.CANDIDATE.value,
            }
        )
        if removed.deleted_count:
            logger.info("removed candidates of an earlier job", extra={"removed": removed.deleted_count})
        return True


async def _superseded(db: AsyncDatabase[Document], batch_id: str, job_id: str) -> bool:
    batch = await db["clip_batches"].find_one({"_id": batch_id}, {"current_job_id": 1})
    return batch is not None and batch.get("current_job_id", job_id) != job_id


def clip_fields(clip: Clip) -> Document:
    """The fields of a clip that scoring writes (not its id, status or thumbnail)."""
    return clip.model_dump(mode="json", exclude=_NOT_SET_BY_SCORING)


def exchange_document(exchange: Exchange) -> Document:
    """`clip_llm_contexts` document of an exchange."""
    return {
        "_id": exchange.exchange_id,
        "batch_id": exchange.batch_id,
        "job_id": exchange.job_id,
        "call_key": exchange.call_key,
        "window_ids": list(exchange.window_ids),
        "provider": exchange.provider,
        "model": exchange.model,
        "prompt": {"instructions": exchange.prompt.instructions, "input": exchange.prompt.input},
        "answer": exchange.answer.model_dump(mode="json") if exchange.answer else None,
        "raw_response": exchange.raw_response,
        "error": exchange.error,
        "error_kind": exchange.error_kind,
        "attempts": exchange.attempts,
        "latency_ms": exchange.latency_ms,
        "usage": asdict(exchange.usage) if exchange.usage else None,
        "created_at": datetime.now(UTC),
    }


def exchange_from_document(document: Document) -> Exchange:
    """The exchange stored in a `clip_llm_contexts` document."""
    answer = document.get("answer")
    usage = document.get("usage")
    prompt = document.get("prompt") or {}
    return Exchange(
        exchange_id=str(document["_id"]),
        batch_id=str(document["batch_id"]),
        job_id=str(document["job_id"]),
        call_key=str(document["call_key"]),
        window_ids=tuple(document.get("window_ids") or ()),
        provider=str(document.get("provider", "")),
        model=str(document.get("model", "")),
        prompt=LlmPrompt(instructions=prompt.get("instructions", ""), input=prompt.get("input", "")),
        answer=LlmClipList.model_validate(answer) if answer is not None else None,
        raw_response=document.get("raw_response"),
        error=document.get("error"),
        error_kind=document.get("error_kind"),
        attempts=int(document.get("attempts", 0)),
        latency_ms=float(document.get("latency_ms", 0.0)),
        usage=TokenUsage(**usage) if usage else None,
    )


def _ignore_edited_clips(error: BulkWriteError) -> None:
    """A clip a creator edited keeps its id and its edits; anything else is a real failure."""
    others = [e for e in error.details.get("writeErrors", []) if e.get("code") != DUPLICATE_KEY]
    if others:
        raise error
    logger.info("kept clips the creator already edited", extra={"kept": len(error.details["writeErrors"])})
