"""An upload that declares more than the limit is refused before its body is read (413, naming media)."""

import pytest
from fastapi import HTTPException
from starlette.requests import Request

from viralclip_batch_api.routes.videos import FORM_ALLOWANCE_BYTES, _refuse_oversized

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
