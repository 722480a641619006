"""The clip grid, the detail modal, thumbnails and edits, over HTTP on clips the pipeline stored."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Clip

pytestmark = pytest.mark.integration

NewBatch = Callable[..., Awaitable[dict[str, Any]]]
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"


async def store_clips(db: AsyncDatabase[dict[str, Any]], clips: list[Clip]) -> None:
    """Write clips as the scoring and thumbnail services do (`_id` = clip_id)."""
    for clip in clips:
        fields = clip.model_dump(mode="json", exclude={"clip_id"})
        await db["clips"].insert_one({"_id": clip.clip_id, **fields})


@pytest.fixture
async def batch_with_clips(
    new_batch: NewBatch, pipeline: Any, api_db: AsyncDatabase[dict[str, Any]], media_root: Path
) -> tuple[dict[str, Any], list[Clip]]:
    batch = await new_batch()
    thumb = f"thumbnails/{batch['batch_id']}/c1.jpg"
    (media_root / thumb).parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread((media_root / thumb).write_bytes, JPEG)
    clips = [
        pipeline.clip(batch, 2, score=6.5, start=20).model_copy(update={"thumbnail_path": thumb}),
        pipeline.clip(batch, 1, score=9.1, start=60),
        pipeline.clip(batch, 3, score=4.0, start=0),
    ]
    await store_clips(api_db, clips)
    return batch, clips


async def test_the_grid_is_ranked_by_score_with_thumbnail_urls(
    client: httpx.AsyncClient, batch_with_clips: tuple[dict[str, Any], list[Clip]]
) -> None:
    batch, clips = batch_with_clips

    page = (await client.get(f"/clip-batches/{batch['batch_id']}/clips")).json()

    assert page["count"] == 3
    assert [c["viral_score"] for c in page["data"]] == [9.1, 6.5, 4.0]
    with_thumb = next(c for c in page["data"] if c["clip_id"] == clips[0].clip_id)
    assert with_thumb["thumbnail_url"] == f"/viral-clip/clips/{clips[0].clip_id}/thumbnail"
    assert page["data"][0]["thumbnail_url"] is None


async def test_the_grid_sorts_by_time_filters_by_score_and_pages(
    client: httpx.AsyncClient, batch_with_clips: tuple[dict[str, Any], list[Clip]]
) -> None:
    batch, _ = batch_with_clips
    url = f"/clip-batches/{batch['batch_id']}/clips"

    by_time = (await client.get(url, params={"sort": "time"})).json()
    good = (await client.get(url, params={"min_score": 6})).json()
    second = (await client.get(url, params={"limit": 1, "skip": 1})).json()

    assert [c["start_time_sec"] for c in by_time["data"]] == [0, 20, 60]
    assert (good["count"], [c["viral_score"] for c in good["data"]]) == (2, [9.1, 6.5])
    assert (second["count"], [c["viral_score"] for c in second["data"]]) == (3, [6.5])


@pytest.mark.parametrize(
    ("params", "field"),
    [({"sort": "random"}, "sort"), ({"min_score": 11}, "min_score"), ({"limit": 0}, "limit")],
)
async def test_bad_grid_queries_are_422_naming_the_parameter(
    client: httpx.AsyncClient,
    batch_with_clips: tuple[dict[str, Any], list[Clip]],
    params: dict[str, Any],
    field: str,
) -> None:
    batch, _ = batch_with_clips

    response = await client.get(f"/clip-batches/{batch['batch_id']}/clips", params=params)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


async def test_the_detail_has_every_clip_field_and_its_transcript_excerpt(
    client: httpx.AsyncClient, batch_with_clips: tuple[dict[str, Any], list[Clip]]
) -> None:
    _, clips = batch_with_clips
    clip = clips[0]  # 20–50 s

    detail = (await client.get(f"/clips/{clip.clip_id}")).json()

    for field, value in clip.model_dump(mode="json").items():
        assert detail[field] == value, field
    # segments 0–20, 20–50 and 50–90 s: only the one inside 20–50 s overlaps the clip
    assert [s["text"] for s in detail["transcript_excerpt"]] == ["Because it is close."]


async def test_the_thumbnail_is_served_and_a_missing_one_is_404(
    client: httpx.AsyncClient, batch_with_clips: tuple[dict[str, Any], list[Clip]]
) -> None:
    _, clips = batch_with_clips

    image = await client.get(f"/clips/{clips[0].clip_id}/thumbnail")
    missing = await client.get(f"/clips/{clips[1].clip_id}/thumbnail")

    assert image.status_code == 200
    assert image.headers["content-type"] == "image/jpeg"
    assert image.content == JPEG
    assert missing.status_code == 404


async def test_an_edit_changes_the_clip_and_marks_it_edited(
    client: httpx.AsyncClient, batch_with_clips: tuple[dict[str, Any], list[Clip]]
) -> None:
    _, clips = batch_with_clips
    url = f"/clips/{clips[1].clip_id}"

    response = await client.patch(url, json={"title": "Water on the Moon", "end_time_sec": 100})

    assert response.status_code == 200, response.text
    edited = (await client.get(url)).json()
    assert (edited["title"], edited["start_time_sec"], edited["end_time_sec"]) == (
        "Water on the Moon",
        60,
        100,
    )
    assert (edited["duration_sec"], edited["status"]) == (40, "edited")
    assert edited["description"] == clips[1].description


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"end_time_sec": 601}, "end_time_sec"),  # the video is 600 s long
        ({"start_time_sec": 95}, "start_time_sec"),  # after the clip's end (90 s)
        ({"end_time_sec": -1}, "end_time_sec"),
        ({"title": ""}, "title"),
        ({"rank": 1}, "rank"),
    ],
)
async def test_bad_edits_are_422_naming_the_field(
    client: httpx.AsyncClient,
    batch_with_clips: tuple[dict[str, Any], list[Clip]],
    body: dict[str, Any],
    field: str,
) -> None:
    _, clips = batch_with_clips

    response = await client.patch(f"/clips/{clips[1].clip_id}", json=body)

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]


async def test_an_edit_to_a_few_frames_is_422_saying_how_long_a_clip_must_last(
    client: httpx.AsyncClient, batch_with_clips: tuple[dict[str, Any], list[Clip]]
) -> None:
    _, clips = batch_with_clips
    url = f"/clips/{clips[1].clip_id}"

    response = await client.patch(url, json={"start_time_sec": 100, "end_time_sec": 100.001})

    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "end_time_sec"]
    assert error["msg"].startswith("the clip must last at least 1 s")
    unchanged = (await client.get(url)).json()
    assert (unchanged["start_time_sec"], unchanged["end_time_sec"]) == (60, 90)
    assert (await client.patch(url, json={"end_time_sec": 61})).json()["duration_sec"] == 1


async def test_an_empty_edit_is_422(
    client: httpx.AsyncClient, batch_with_clips: tuple[dict[str, Any], list[Clip]]
) -> None:
    _, clips = batch_with_clips

    assert (await client.patch(f"/clips/{clips[1].clip_id}", json={})).status_code == 422


async def test_clips_of_a_final_batch_cannot_be_edited(
    client: httpx.AsyncClient,
    batch_with_clips: tuple[dict[str, Any], list[Clip]],
    pipeline: Any,
    batch_in_state: Callable[..., Awaitable[dict[str, Any]]],
) -> None:
    batch, clips = batch_with_clips
    for event in (pipeline.windows(batch), pipeline.scored(batch), pipeline.thumbnails(batch)):
        await pipeline.publish(event)
    await batch_in_state(batch["batch_id"], status="ready")
    assert (await client.post(f"/clip-batches/{batch['batch_id']}/finalize")).status_code == 200

    response = await client.patch(f"/clips/{clips[0].clip_id}", json={"title": "Too late"})

    assert response.status_code == 409
    assert "final" in response.json()["detail"]


async def test_unknown_clips_and_batches_are_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/clips/c-nope")).status_code == 404
    assert (await client.get("/clips/c-nope/thumbnail")).status_code == 404
    assert (await client.patch("/clips/c-nope", json={"title": "x"})).status_code == 404
    assert (await client.get("/clip-batches/b-nope/clips")).status_code == 404


async def test_a_grid_offset_past_what_the_database_can_count_is_422(
    client: httpx.AsyncClient, batch_with_clips: tuple[dict[str, Any], list[Clip]]
) -> None:
    batch, _ = batch_with_clips

    response = await client.get(f"/clip-batches/{batch['batch_id']}/clips", params={"skip": 2**64})

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", "skip"]
