"""The review page against an API that needs VIRALCLIP_API_TOKEN, in Debian's Chromium: it asks for the
token, keeps it in the tab's sessionStorage (never the URL), sends it as a bearer header, loads thumbnails
with it, and plays the source video through a signed media link."""

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import BrowserContext, expect
from pymongo import AsyncMongoClient

from viralclip_testkit.browser import chromium
from viralclip_testkit.media import ffmpeg_executable, write_timestamp_video
from viralclip_testkit.waiting import eventually

pytestmark = pytest.mark.integration

TOKEN = "tok-review-page-0123456789abcdef"


@pytest.fixture(scope="module")
async def guarded_api(
    kafka_bootstrap: str,
    mongodb_uri: str,
    mongo_client: AsyncMongoClient[dict[str, Any]],
    tmp_path_factory: pytest.TempPathFactory,
    make_settings: Any,
    serve_api: Any,
) -> AsyncIterator[Any]:
    settings = make_settings(kafka_bootstrap, mongodb_uri, tmp_path_factory.mktemp("page"), api_token=TOKEN)
    async with serve_api(settings) as running:
        yield running
    await mongo_client.drop_database(settings.mongodb_database)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[BrowserContext]:
    async with chromium() as context:
        yield context


def _thumbnail(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [ffmpeg_executable(), "-v", "error", "-f", "lavfi", "-i", "color=c=orange:s=90x160"]
    subprocess.run([*command, "-frames:v", "1", "-y", str(path)], check=True, timeout=30)


async def _ready_batch_with_a_clip(
    api: Any, mongo_client: AsyncMongoClient[dict[str, Any]]
) -> dict[str, Any]:
    """A registered 4-s video, a batch on it, and one clip with a thumbnail: what the pipeline would write."""
    root: Path = api.settings.media_root
    video_id = f"v-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(write_timestamp_video, root / "videos" / f"{video_id}.mp4", 4)
    await asyncio.to_thread(_thumbnail, root / "thumbnails" / f"{video_id}.jpg")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=api.api, headers=headers, timeout=30) as http:
        registered = await http.post(
            "/videos",
            json={
                "video_id": video_id,
                "title": "Guarded talk",
                "media_path": f"videos/{video_id}.mp4",
                "transcript": [{"start_sec": 0, "end_sec": 4, "text": "Why the Moon? Because it is close."}],
            },
        )
        assert registered.status_code == 201, registered.text
        batch = (await http.post(f"/videos/{video_id}/clip-batches", json={"aspect_ratio": "9:16"})).json()

        async def projected() -> bool:  # batch-api has projected its own batch.created
            return bool((await http.get(f"/clip-batches/{batch['batch_id']}")).json()["stage"] == "windowing")

        await eventually(projected, timeout=60, what="the batch at stage windowing")
    db = mongo_client[api.settings.mongodb_database]
    clip_id = f"c-{uuid.uuid4().hex[:10]}"
    await db["clips"].insert_one(
        {
            "_id": clip_id,
            "clip_batch_id": batch["batch_id"],
            "video_id": video_id,
            "start_time_sec": 1.0,
            "end_time_sec": 3.0,
            "duration_sec": 2.0,
            "title": "Why the Moon",
            "description": "The short answer.",
            "viral_score": 8.4,
            "grade_hook": "A",
            "grade_flow": "B+",
            "grade_value": "B",
            "grade_trend": "C",
            "hook": "Why the Moon?",
            "hashtags": ["#moon"],
            "language": "en",
            "status": "candidate",
            "rank": 1,
            "thumbnail_path": f"thumbnails/{video_id}.jpg",
        }
    )
    await db["clip_batches"].update_one(  # what the projector writes once thumbnails are done
        {"_id": batch["batch_id"]},
        {
            "$set": {"status": "ready", "stage": "done", "progress": 1.0, "clips_total": 1},
            "$inc": {"version": 1},
        },
    )
    return {"video_id": video_id, "batch_id": batch["batch_id"], "clip_id": clip_id}


async def test_the_page_asks_for_the_token_and_then_shows_thumbnails_and_plays_media(
    guarded_api: Any, browser: BrowserContext, mongo_client: AsyncMongoClient[dict[str, Any]]
) -> None:
    made = await _ready_batch_with_a_clip(guarded_api, mongo_client)
    page = await browser.new_page()
    requests: list[tuple[str, str | None]] = []
    page.on("request", lambda r: requests.append((r.url, r.headers.get("authorization"))))
    try:
        await page.goto(f"{guarded_api.url}/app/")
        await expect(page.locator("#banner")).to_contain_text("needs an API token")

        await page.get_by_role("button", name="Enter it").click()
        await page.get_by_label("API token").fill(TOKEN)
        token_set_at = len(requests)
        await page.get_by_role("button", name="Use token").click()
        await expect(page.get_by_role("link", name="Guarded talk")).to_be_visible()
        assert await page.evaluate("sessionStorage.getItem('viralclip.apiToken')") == TOKEN

        await page.goto(f"{guarded_api.url}/app/#/batches/{made['batch_id']}/clips/{made['clip_id']}")
        image = page.locator(".clip-card img")
        await page.wait_for_function("() => document.querySelector('.clip-card img')?.naturalWidth > 0")
        assert (await image.get_attribute("src") or "").startswith("blob:")  # fetched with the token
        assert await image.evaluate("(img) => img.naturalWidth") == 90
        player = page.locator("#clip-player")
        await page.wait_for_function("() => document.querySelector('#clip-player')?.readyState >= 1")
        source = await player.evaluate("(v) => v.currentSrc")
        assert "signature=" in source
        assert 1.0 <= await player.evaluate("(v) => v.currentTime") <= 3.0
    finally:
        await page.close()

    assert all(TOKEN not in url for url, _ in requests)
    after = requests[token_set_at:]
    api_calls = [(url, auth) for url, auth in after if "/viral-clip/" in url and "/media?" not in url]
    media_loads = [auth for url, auth in after if "/media?" in url]
    assert len(api_calls) >= 4
    assert all(auth == f"Bearer {TOKEN}" for _, auth in api_calls), api_calls
    assert media_loads
    assert all(auth is None for auth in media_loads)  # the signed link alone let the player in
