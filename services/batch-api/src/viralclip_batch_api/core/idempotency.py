"""Idempotent batch creation: an `Idempotency-Key` names one batch; its body must not change.

The batch id derives from the key, so the database's unique `_id` makes a second create with
the same key find the first batch instead of making another. The stored fingerprint (a hash of
the video id and the canonical body) tells a replay (same body) from a misuse (other body → 422).
"""

import hashlib
import json
from enum import StrEnum

from pydantic import BaseModel

from .errors import FieldError

IDEMPOTENCY_HEADER = "Idempotency-Key"
_MAX_KEY_LENGTH = 255


class Replay(StrEnum):
    """What a create with an already used key is."""

    SAME_REQUEST = "same_request"
    DIFFERENT_REQUEST = "different_request"


def validate_key(key: str) -> str:
    """The key if it is 1–255 printable ASCII characters, else a `FieldError` for the header."""
    if not key or len(key) > _MAX_KEY_LENGTH:
        raise FieldError(IDEMPOTENCY_HEADER, f"must be 1 to {_MAX_KEY_LENGTH} characters", location="header")
    if not all(" " < char <= "~" for char in key):
        raise FieldError(IDEMPOTENCY_HEADER, "must be printable ASCII without spaces", location="header")
    return key


def fingerprint(video_id: str, body: BaseModel) -> str:
    """Hash of what was asked: the video and the body as canonical JSON (key order ignored)."""
    request = {"video_id": video_id, "body": body.model_dump(mode="json")}
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def batch_id_for_key(key: str) -> str:
    """The batch id a key maps to; the same key always gives the same id."""
    return "b-" + hashlib.sha256(f"idempotency:{key}".encode()).hexdigest()[:16]


def classify(stored_fingerprint: str | None, request_fingerprint: str) -> Replay:
    """Is a create that collided with an existing batch the same request again, or a misuse?"""
    if stored_fingerprint == request_fingerprint:
        return Replay.SAME_REQUEST
    return Replay.DIFFERENT_REQUEST


def ensure_same_request(stored_fingerprint: str | None, request_fingerprint: str) -> None:
    """Raise `FieldError` (→ 422) when the key was used before with a different request."""
    if classify(stored_fingerprint, request_fingerprint) is Replay.DIFFERENT_REQUEST:
        raise FieldError(
            IDEMPOTENCY_HEADER,
            "was already used with a different request body or video",
            location="header",
        )
