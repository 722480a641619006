"""Retry timing for LLM calls (pure): exponential backoff with jitter, honouring Retry-After."""

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_API_KEY = re.compile(r"sk-[A-Za-z0-9_\-]{8,}")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a call is retried.

    `max_attempts` bounds the attempts lost to rate limits, 5xx, timeouts and connection errors;
    `answer_retries` bounds the extra attempts after a refusal or an answer that does not parse.
    Delays stay under `max_delay_sec` so a batch never outlives the broker's poll interval.
    """

    max_attempts: int = 5
    base_delay_sec: float = 0.5
    max_delay_sec: float = 30.0
    answer_retries: int = 1


def backoff_delay(
    failures: int,
    policy: RetryPolicy,
    retry_after_sec: float | None = None,
    jitter: Callable[[], float] = lambda: 1.0,
) -> float:
    """Seconds to wait after the `failures`-th failure: doubling, half of it jittered, and never
    less than the server's Retry-After (both capped at `max_delay_sec`)."""
    exponential = min(policy.max_delay_sec, policy.base_delay_sec * 2.0 ** (failures - 1))
    delay = exponential * (0.5 + 0.5 * jitter())
    if retry_after_sec is not None:
        delay = max(delay, min(retry_after_sec, policy.max_delay_sec))
    return delay


def retry_after_sec(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """The server's requested wait from `retry-after-ms` or `retry-after` (seconds or HTTP date)."""
    milliseconds = _number(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    value = headers.get("retry-after")
    seconds = _number(value)
    if seconds is not None or value is None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def redact(text: str, secret: str = "") -> str:
    """`text` with the configured secret and anything shaped like an OpenAI API key masked."""
    if secret:
        text = text.replace(secret, "[redacted]")
    return _API_KEY.sub("sk-[redacted]", text)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None
