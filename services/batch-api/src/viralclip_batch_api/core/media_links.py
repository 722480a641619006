"""Signed media links: a browser's `<video src>` cannot send a bearer token, so a guarded API hands out a
path that carries an expiry and an HMAC of (path, expiry) instead. Pure: the clock is a parameter.

The signing key is derived from the API token, so a link never contains the token and stops working when
the token changes; it names one file, and expires.
"""

import hashlib
import hmac

LINK_TTL_SEC = 6 * 3600
_KEY_PURPOSE = b"viralclip media link v1"


def signing_key(api_token: str) -> bytes:
    """The key links are signed with, derived from (never equal to) the API token."""
    return hmac.new(api_token.encode(), _KEY_PURPOSE, hashlib.sha256).digest()


def signature(key: bytes, path: str, expires: int) -> str:
    """Hex HMAC-SHA256 of the path and the expiry (Unix seconds)."""
    return hmac.new(key, f"{path}\n{expires}".encode(), hashlib.sha256).hexdigest()


def signed_query(key: bytes, path: str, *, now: float, ttl_sec: int = LINK_TTL_SEC) -> tuple[str, int]:
    """(`expires=…&signature=…`, expiry) for a link to `path` valid for `ttl_sec` from `now`."""
    expires = int(now) + ttl_sec
    return f"expires={expires}&signature={signature(key, path, expires)}", expires


def link_is_valid(key: bytes, path: str, *, expires: int | None, given: str | None, now: float) -> bool:
    """Whether `given` signs `path` until `expires` and that time has not passed."""
    if expires is None or given is None or expires <= now:
        return False
    return hmac.compare_digest(signature(key, path, expires), given)
