"""Access: a bearer token guards every endpoint but the health checks; CORS answers the configured origins."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from viralclip_testkit.media import write_blank_video

pytestmark = pytest.mark.integration

TOKEN = "tok-0123456789abcdef-0123456789"
FRONTEND = "http://studio.example"
ONE_LINE = [{"start_sec": 0, "end_sec": 5, "text": "Why the Moon?"}]


@pytest.fixture(scope="module")
async def guarded_api(
    kafka_bootstrap: str,
    mongodb_uri: str,
    mongo_client: AsyncMongoClient[dict[str, Any]],
    tmp_path_factory: pytest.TempPathFactory,
    make_settings: Any,
    serve_api: Any,
) -> AsyncIterator[Any]:
    settings = make_settings(
        kafka_bootstrap,
        mongodb_uri,
        tmp_path_factory.mktemp("guarded"),
        api_token=TOKEN,
        cors_origins=f"{FRONTEND}, http://localhost:5173",
    )
    async with serve_api(settings) as running:
        yield running
    await mongo_client.drop_database(settings.mongodb_database)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/viral-clip/videos"),
        ("GET", "/viral-clip/videos"),
        ("GET", "/viral-clip/videos/v-1/media-link"),
        ("GET", "/viral-clip/videos/v-1/media"),
        ("GET", "/viral-clip/videos/v-1"),
        ("POST", "/viral-clip/videos/v-1/clip-batches"),
        ("GET", "/viral-clip/videos/v-1/clip-batches"),
        ("GET", "/viral-clip/clip-batches/b-1"),
        ("GET", "/viral-clip/clip-batches/b-1/events"),
        ("GET", "/viral-clip/clip-batches/b-1/clips"),
        ("POST", "/viral-clip/clip-batches/b-1/finalize"),
        ("POST", "/viral-clip/clip-batches/b-1/retry"),
        ("GET", "/viral-clip/clips/c-1"),
        ("GET", "/viral-clip/clips/c-1/thumbnail"),
        ("PATCH", "/viral-clip/clips/c-1"),
        ("POST", "/viral-clip/clips/c-1/exports"),
        ("GET", "/viral-clip/clips/c-1/exports"),
        ("POST", "/viral-clip/clip-batches/b-1/exports"),
        ("GET", "/viral-clip/clip-batches/b-1/exports"),
        ("GET", "/viral-clip/exports/e-1"),
        ("GET", "/viral-clip/exports/e-1/file"),
    ],
)
async def test_every_endpoint_needs_the_token(guarded_api: Any, method: str, path: str) -> None:
    async with httpx.AsyncClient(base_url=guarded_api.url) as http:
        missing = await http.request(method, path, json={})
        wrong = await http.request(method, path, json={}, headers={"Authorization": "Bearer nope"})
        right = await http.request(
            method, path, json={"title": "x"}, headers={"Authorization": f"Bearer {TOKEN}"}
        )

    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert missing.headers["www-authenticate"] == "Bearer"
    assert right.status_code != 401


async def test_a_signed_media_link_plays_without_the_token_for_that_video_only(guarded_api: Any) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    media_root = guarded_api.settings.media_root
    (media_root / "videos").mkdir(exist_ok=True)
    linked = await asyncio.to_thread(write_blank_video, media_root / "videos" / "linked.mp4", 9)
    async with httpx.AsyncClient(base_url=guarded_api.url, headers=bearer) as http:
        for video_id in ("v-linked", "v-other"):
            body = {"video_id": video_id, "title": "Linked", "media_path": "videos/linked.mp4"}
            registered = await http.post(
                "/viral-clip/videos", json={**body, "duration_sec": 9, "transcript": ONE_LINE}
            )
            assert registered.status_code == 201, registered.text
        link = (await http.get("/viral-clip/videos/v-linked/media-link")).json()

    url = link["url"]
    assert url.startswith("/viral-clip/videos/v-linked/media?expires=")
    assert TOKEN not in url
    assert datetime.fromisoformat(link["expires_at"]) > datetime.now(UTC)
    async with httpx.AsyncClient(base_url=guarded_api.url) as anonymous:
        played = await anonymous.get(url, headers={"Range": "bytes=10-19"})
        other = await anonymous.get(url.replace("v-linked", "v-other"))
        tampered = await anonymous.get(url.replace("expires=", "expires=9"))
        bare = await anonymous.get("/viral-clip/videos/v-linked/media")

    assert played.status_code == 206
    assert played.content == linked.read_bytes()[10:20]
    assert (other.status_code, tampered.status_code, bare.status_code) == (401, 401, 401)


async def test_health_checks_need_no_token(guarded_api: Any) -> None:
    async with httpx.AsyncClient(base_url=guarded_api.url) as http:
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/readyz")).status_code == 200


async def test_cors_allows_the_configured_origins_only(guarded_api: Any) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    async with httpx.AsyncClient(base_url=guarded_api.url) as http:
        allowed = await http.options("/viral-clip/videos", headers={"Origin": FRONTEND, **preflight})
        refused = await http.options(
            "/viral-clip/videos", headers={"Origin": "http://evil.example", **preflight}
        )

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == FRONTEND
    assert "access-control-allow-origin" not in refused.headers


async def test_the_openapi_document_types_every_response(shared_api: Any, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=shared_api.url) as http:
        document = (await http.get("/openapi.json")).json()

    schemas = document["components"]["schemas"]
    operations = [
        (path, method, op) for path, item in document["paths"].items() for method, op in item.items()
    ]
    assert len(operations) >= 14
    for path, method, operation in operations:
        for code, response in operation["responses"].items():
            content = response.get("content")
            assert content, f"{method.upper()} {path} {code} has no typed body"
            for media in content.values():
                ref = media.get("schema", {}).get("$ref")
                if ref:
                    assert ref.rsplit("/", 1)[-1] in schemas, f"{method.upper()} {path} {code}: {ref} missing"
    body = document["paths"]["/viral-clip/videos"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
