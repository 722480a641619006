"""Bounded retries with exponential backoff and full jitter for transient faults."""

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from aiokafka.errors import KafkaError
from pymongo.errors import ConnectionFailure, WaitQueueTimeoutError

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Faults of a dependency that is away for a while: worth retrying, never a reason to drop a message.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionFailure,  # includes AutoReconnect, NetworkTimeout, ServerSelectionTimeoutError
    WaitQueueTimeoutError,
    KafkaError,
    ConnectionError,
    TimeoutError,
)


class RetriesExhausted(Exception):
    """A transient fault outlasted the retry budget."""

    def __init__(self, attempts: int, last_error: BaseException) -> None:
        super().__init__(f"gave up after {attempts} attempts: {last_error!r}")
        self.attempts = attempts
        self.last_error = last_error


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a transient fault."""

    max_attempts: int = 8
    base_delay_sec: float = 0.2
    max_delay_sec: float = 5.0
    transient: tuple[type[BaseException], ...] = TRANSIENT_ERRORS

    def delay(self, attempt: int) -> float:
        """Full-jitter backoff before retry number `attempt` (1-based)."""
        ceiling = min(self.max_delay_sec, self.base_delay_sec * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)

    async def run(self, operation: Callable[[], Awaitable[T]], *, what: str = "operation") -> T:
        """Run `operation`, retrying transient faults; raise `RetriesExhausted` past the budget."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return await operation()
            except self.transient as error:
                if attempt == self.max_attempts:
                    raise RetriesExhausted(attempt, error) from error
                pause = self.delay(attempt)
                logger.warning(
                    "transient fault, retrying",
                    extra={
                        "what": what,
                        "attempt": attempt,
                        "pause_sec": round(pause, 2),
                        "error": repr(error),
                    },
                )
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")
