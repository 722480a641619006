"""Idempotency keys: the same key and body name one batch; a different body is refused."""

import pytest

from viralclip_batch_api.api.models import ClipBatchCreate
from viralclip_batch_api.core.errors import FieldError
from viralclip_batch_api.core.idempotency import (
    IDEMPOTENCY_HEADER,
    Replay,
    batch_id_for_key,
    classify,
    ensure_same_request,
    fingerprint,
    validate_key,
)


def _body(**fields: object) -> ClipBatchCreate:
    return ClipBatchCreate.model_validate(fields)


def test_the_same_key_always_maps_to_the_same_batch_id() -> None:
    assert batch_id_for_key("k-1") == batch_id_for_key("k-1")
    assert batch_id_for_key("k-1") != batch_id_for_key("k-2")
    assert batch_id_for_key("k-1").startswith("b-")


def test_fingerprint_ignores_key_order_but_not_values_or_video() -> None:
    a = fingerprint("v-1", _body(**{"aspect_ratio": "9:16", "name": "x"}))

    assert a == fingerprint("v-1", _body(**{"name": "x", "aspect_ratio": "9:16"}))
    assert a != fingerprint("v-1", _body(**{"name": "y", "aspect_ratio": "9:16"}))
    assert a != fingerprint("v-2", _body(**{"name": "x", "aspect_ratio": "9:16"}))


def test_a_replay_with_the_same_body_is_accepted() -> None:
    body = fingerprint("v-1", _body(**{"name": "x"}))

    assert classify(body, body) is Replay.SAME_REQUEST
    ensure_same_request(body, body)


def test_a_reused_key_with_another_body_is_a_field_error_on_the_header() -> None:
    with pytest.raises(FieldError) as error:
        ensure_same_request(fingerprint("v-1", _body(name="x")), fingerprint("v-1", _body(name="y")))

    assert error.value.field == IDEMPOTENCY_HEADER


def test_a_batch_created_without_a_key_never_matches() -> None:
    assert classify(None, fingerprint("v-1", _body(**{}))) is Replay.DIFFERENT_REQUEST


@pytest.mark.parametrize("key", ["", "a" * 256, "has space", "tab\tkey", "ünïcode"])
def test_bad_keys_are_refused(key: str) -> None:
    with pytest.raises(FieldError) as error:
        validate_key(key)

    assert error.value.field == IDEMPOTENCY_HEADER


def test_a_uuid_key_is_fine() -> None:
    assert validate_key("3f0c2b8e-9d4e-4c1e-8f7a-1a2b3c4d5e6f").startswith("3f0c")
