"""The server's requested wait: milliseconds, seconds or an HTTP date (the backoff is the runtime's)."""

from datetime import UTC, datetime

from viralclip_scoring.retry_after import retry_after_sec


def test_retry_after_is_read_from_milliseconds_seconds_or_a_date() -> None:
    now = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)

    assert retry_after_sec({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after_sec({"retry-after": "2"}) == 2.0
    assert retry_after_sec({"retry-after": "Tue, 24 Nov 2026 12:00:05 GMT"}, now=now) == 5.0
    assert retry_after_sec({"retry-after": "soon"}) is None
    assert retry_after_sec({"retry-after": "-1"}) is None
    assert retry_after_sec({}) is None
