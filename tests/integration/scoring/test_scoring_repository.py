"""The scoring repository on the real MongoDB protocol: what it writes, and what it leaves alone."""

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Clip, Grade
from viralclip_scoring.batch_scoring import Exchange
from viralclip_scoring.llm_schema import LlmClipList
from viralclip_scoring.prompt import LlmPrompt
from viralclip_scoring.providers import TokenUsage
from viralclip_scoring.repository import MongoScoringRepository
from viralclip_scoring.validate import clip_id_for

pytestmark = pytest.mark.integration


def clip(batch_id: str, start: float, title: str = "A clip", rank: int = 1) -> Clip:
    return Clip(
        clip_id=clip_id_for(batch_id, start, start + 40),
        clip_batch_id=batch_id,
        video_id="v-1",
        start_time_sec=start,
        end_time_sec=start + 40,
        duration_sec=40,
        title=title,
        description="d",
        viral_score=7.5,
        grade_hook=Grade.A,
        grade_flow=Grade.B,
        grade_value=Grade.B_PLUS,
        grade_trend=Grade.C,
        language="en",
        rank=rank,
    )


def exchange(answer: LlmClipList | None, error: str | None = None) -> Exchange:
    return Exchange(
        exchange_id="b-1:j-1:w0001",
        batch_id="b-1",
        job_id="j-1",
        call_key="w0001",
        window_ids=("w0001",),
        provider="openai",
        model="gpt-6.2-astra",
        prompt=LlmPrompt(instructions="i", input="x"),
        answer=answer,
        raw_response="{}",
        error=error,
        error_kind="rate_limit" if error else None,
        attempts=1,
        latency_ms=12.5,
        usage=TokenUsage(10, 5, 15),
    )


async def test_the_first_stored_exchange_wins_and_round_trips(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    repository = MongoScoringRepository(mongo_db)
    first = exchange(LlmClipList(clips=[]))

    stored = await repository.save_exchange(first)
    second = await repository.save_exchange(exchange(None, error="OpenAI rate limit"))

    assert stored == first
    assert second == first
    assert await repository.find_exchange(first.exchange_id) == first


async def test_a_new_job_replaces_untouched_candidates_but_keeps_edits_and_thumbnails(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    repository = MongoScoringRepository(mongo_db)
    kept, edited, dropped = clip("b-1", 0), clip("b-1", 100), clip("b-1", 200)
    await repository.save_clips("b-1", "j-1", [kept, edited, dropped])
    await mongo_db["clips"].update_one({"_id": kept.clip_id}, {"$set": {"thumbnail_path": "t/k.jpg"}})
    await mongo_db["clips"].update_one(
        {"_id": edited.clip_id}, {"$set": {"status": "edited", "title": "Mine"}}
    )

    await repository.save_clips(
        "b-1", "j-2", [clip("b-1", 0, title="Rescored", rank=2), clip("b-1", 100, title="Theirs", rank=1)]
    )

    documents = {
        doc["_id"]: doc for doc in await mongo_db["clips"].find({"clip_batch_id": "b-1"}).to_list(None)
    }
    assert set(documents) == {kept.clip_id, edited.clip_id}
    assert documents[kept.clip_id]["title"] == "Rescored"
    assert documents[kept.clip_id]["job_id"] == "j-2"
    assert documents[kept.clip_id]["thumbnail_path"] == "t/k.jpg"
    assert documents[edited.clip_id]["title"] == "Mine"
    assert documents[edited.clip_id]["status"] == "edited"


async def test_a_straggler_of_a_superseded_job_writes_no_clip_and_removes_none(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    repository = MongoScoringRepository(mongo_db)
    await mongo_db["clip_batches"].insert_one({"_id": "b-1", "current_job_id": "j-2"})
    current = clip("b-1", 0, title="Of the retry")
    assert await repository.save_clips("b-1", "j-2", [current])

    written = await repository.save_clips("b-1", "j-1", [clip("b-1", 0, title="Late"), clip("b-1", 100)])

    assert written is False
    documents = await mongo_db["clips"].find({"clip_batch_id": "b-1"}).to_list(None)
    assert [(d["_id"], d["title"], d["job_id"]) for d in documents] == [
        (current.clip_id, "Of the retry", "j-2")
    ]
