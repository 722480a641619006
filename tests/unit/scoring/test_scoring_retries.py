"""Retry timing: exponential backoff with jitter, Retry-After honoured, secrets masked."""

from datetime import UTC, datetime

import pytest

from viralclip_scoring.retries import RetryPolicy, backoff_delay, redact, retry_after_sec

POLICY = RetryPolicy(base_delay_sec=0.5, max_delay_sec=8.0)


def test_delays_double_and_stop_at_the_cap() -> None:
    delays = [backoff_delay(failures, POLICY) for failures in range(1, 8)]

    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


@pytest.mark.parametrize("jitter", [0.0, 0.3, 1.0])
def test_jitter_spreads_a_delay_over_its_upper_half(jitter: float) -> None:
    delay = backoff_delay(3, POLICY, jitter=lambda: jitter)

    assert 1.0 <= delay <= 2.0
    assert delay == pytest.approx(2.0 * (0.5 + 0.5 * jitter))


def test_retry_after_is_a_floor_but_never_beyond_the_cap() -> None:
    assert backoff_delay(1, POLICY, retry_after_sec=3.0) == 3.0
    assert backoff_delay(1, POLICY, retry_after_sec=600.0) == 8.0
    assert backoff_delay(4, POLICY, retry_after_sec=0.1) == 4.0


def test_retry_after_is_read_from_milliseconds_seconds_or_a_date() -> None:
    now = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)

    assert retry_after_sec({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after_sec({"retry-after": "2"}) == 2.0
    assert retry_after_sec({"retry-after": "Tue, 24 Nov 2026 12:00:05 GMT"}, now=now) == 5.0
    assert retry_after_sec({"retry-after": "soon"}) is None
    assert retry_after_sec({"retry-after": "-1"}) is None
    assert retry_after_sec({}) is None


def test_secrets_and_key_shaped_strings_are_masked() -> None:
    text = "Incorrect API key provided: sk-proj-abcdef123456. Also my-secret-token."

    masked = redact(text, secret="my-secret-token")

    assert "abcdef123456" not in masked
    assert "my-secret-token" not in masked
    assert "sk-[redacted]" in masked
