"""What the review page needs from the API: the list of videos, the source media with HTTP ranges (so a
player can seek), and the page itself served by batch-api."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from viralclip_batch_api.api.review_page import SECURITY_HEADERS

pytestmark = pytest.mark.integration

NewVideo = Callable[..., Awaitable[dict[str, Any]]]


async def test_videos_are_listed_newest_first_in_pages_without_transcripts(
    client: httpx.AsyncClient, new_video: NewVideo
) -> None:
    before = (await client.get("/videos", params={"limit": 1})).json()["count"]
    stem = uuid.uuid4().hex[:8]
    registered = []
    for n in (1, 2, 3):  # ids sort like their registration order, so a tie on created_at cannot reorder
        registered.append(await new_video(video_id=f"v-{stem}-{n}"))

    first = (await client.get("/videos", params={"limit": 2})).json()
    second = (await client.get("/videos", params={"skip": 2, "limit": 1})).json()

    assert first["count"] == second["count"] == before + 3
    assert [v["video_id"] for v in first["data"] + second["data"]] == [f"v-{stem}-{n}" for n in (3, 2, 1)]
    newest = first["data"][0]
    summary_fields = {"video_id", "title", "media_path", "duration_sec", "language", "summary", "created_at"}
    assert set(newest) == summary_fields
    assert newest["created_at"] == registered[2]["created_at"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"skip": -1}])
async def test_a_bad_page_of_videos_is_422(client: httpx.AsyncClient, params: dict[str, int]) -> None:
    response = await client.get("/videos", params=params)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


async def test_the_source_media_is_served_with_byte_ranges(
    client: httpx.AsyncClient, new_video: NewVideo, media_root: Path
) -> None:
    video = await new_video()
    content = bytes(range(256)) * 40
    await asyncio.to_thread((media_root / video["media_path"]).write_bytes, content)

    link = (await client.get(f"/videos/{video['video_id']}/media-link")).json()
    whole = await client.get(link["url"].removeprefix("/viral-clip"))
    part = await client.get(f"/videos/{video['video_id']}/media", headers={"Range": "bytes=1000-1099"})
    past = await client.get(f"/videos/{video['video_id']}/media", headers={"Range": "bytes=999999-"})

    assert link == {"url": f"/viral-clip/videos/{video['video_id']}/media", "expires_at": None}
    assert whole.status_code == 200
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.content == content
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 1000-1099/{len(content)}"
    assert part.content == content[1000:1100]
    assert past.status_code == 416


async def test_media_of_an_unknown_video_or_a_missing_file_is_404(
    client: httpx.AsyncClient, new_video: NewVideo, media_root: Path
) -> None:
    video = await new_video()
    await asyncio.to_thread((media_root / video["media_path"]).unlink)

    gone = await client.get(f"/videos/{video['video_id']}/media")
    unknown = await client.get("/videos/v-nobody/media")
    unknown_link = await client.get("/videos/v-nobody/media-link")

    assert (gone.status_code, unknown.status_code, unknown_link.status_code) == (404, 404, 404)
    assert gone.json() == {"detail": f"media file of video {video['video_id']!r} not found"}


async def test_the_review_page_is_served_at_app_with_its_modules_and_a_strict_policy(shared_api: Any) -> None:
    async with httpx.AsyncClient(base_url=shared_api.url) as http:
        root = await http.get("/")
        page = await http.get("/app/")
        script = await http.get("/app/js/main.js")
        missing = await http.get("/app/nothing-here.js")

    assert root.status_code == 307
    assert root.headers["location"] == "/app/"
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="js/main.js">' in page.text
    for name, value in SECURITY_HEADERS.items():
        assert page.headers[name] == value
    assert "script-src" not in SECURITY_HEADERS["Content-Security-Policy"]  # default-src 'self' covers it
    assert script.status_code == 200
    assert script.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert missing.status_code == 404
