"""An upload larger than the limit is refused with 413 naming media: before its body is read when it
declares its length, and while it streams when it does not (chunked)."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import HTTPException
from starlette.requests import Request

from viralclip_batch_api.api.app import create_app
from viralclip_batch_api.api.routes import videos
from viralclip_batch_api.api.routes.videos import FORM_ALLOWANCE_BYTES, _refuse_oversized
from viralclip_batch_api.settings import BatchApiSettings

LIMIT = 1_000


def request_declaring(length: str | None) -> Request:
    headers = [] if length is None else [(b"content-length", length.encode())]
    return Request({"type": "http", "method": "POST", "path": "/viral-clip/videos", "headers": headers})


def test_a_body_declaring_more_than_the_limit_and_allowance_is_refused_with_413() -> None:
    with pytest.raises(HTTPException) as refused:
        _refuse_oversized(request_declaring(str(LIMIT + FORM_ALLOWANCE_BYTES + 1)), LIMIT)
    assert refused.value.status_code == 413
    assert str(refused.value.detail).startswith("media:")
    assert "VIRALCLIP_UPLOAD_MAX_BYTES" in str(refused.value.detail)


@pytest.mark.parametrize("length", [None, "", "12", str(LIMIT + FORM_ALLOWANCE_BYTES), "not-a-number"])
def test_bodies_within_the_limit_or_without_a_usable_length_go_on_to_the_parser(length: str | None) -> None:
    _refuse_oversized(request_declaring(length), LIMIT)  # the streaming copy still enforces the limit


async def test_a_chunked_upload_without_a_length_is_refused_while_it_streams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    allowance = 2 * 1024 * 1024  # the real 16 MiB allowance only makes the test slower
    monkeypatch.setattr(videos, "FORM_ALLOWANCE_BYTES", allowance)
    settings = BatchApiSettings(media_root=tmp_path, upload_max_bytes=LIMIT, log_format="text")
    app = create_app(settings)
    boundary = "viralclip-test-boundary"
    sent: list[int] = []
    megabyte = b"\0" * 1024 * 1024
    chunks = (allowance + LIMIT) // len(megabyte) + 8

    async def body() -> AsyncIterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="media"; filename="v.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        for number in range(chunks):
            sent.append(number)
            yield megabyte
        yield f"\r\n--{boundary}--\r\n".encode()

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        response = await client.post(
            "/viral-clip/videos",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )

    assert response.status_code == 413
    assert response.json()["detail"].startswith("media: the request is larger than an upload may be")
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert len(sent) <= allowance // len(megabyte) + 2, "the body was read past the limit"
