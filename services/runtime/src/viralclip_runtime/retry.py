"""The one retry policy: how many attempts, and the exponential, capped, jittered waits between them.

Every retry in the house uses it: the runtime's handling of transient faults (`RetryPolicy.run`, full
jitter), the scorer's LLM calls (half jitter, Retry-After as a floor: `delay(..., at_least_sec=...)`)
and batch-api's webhook deliveries (no jitter: `schedule()` is stored with each delivery).
"""

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
    """How often and how patiently to retry.

    `max_attempts` counts every attempt, the first included. The wait after the n-th failure is at most
    `base_delay_sec * factor**(n-1)`, capped at `max_delay_sec`; `jitter` is the share of it drawn at
    random (1: anywhere in [0, ceiling], 0.5: in its upper half, 0: exactly the ceiling). `transient`
    are the faults `run` retries.
    """

    max_attempts: int = 8
    base_delay_sec: float = 0.2
    max_delay_sec: float = 5.0
    factor: float = 2.0
    jitter: float = 1.0
    transient: tuple[type[BaseException], ...] = TRANSIENT_ERRORS

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must be between 0 and 1")

    def ceiling(self, failures: int) -> float:
        """The longest wait after the `failures`-th failure (1-based)."""
        return min(self.max_delay_sec, self.base_delay_sec * self.factor ** (failures - 1))

    def delay(
        self,
        failures: int,
        *,
        draw: Callable[[], float] = random.random,
        at_least_sec: float | None = None,
    ) -> float:
        """The wait after the `failures`-th failure: the ceiling, its `jitter` share scaled by `draw()`
        (in [0, 1]); never less than `at_least_sec` (a server's Retry-After), itself capped."""
        delay = self.ceiling(failures) * (1.0 - self.jitter + self.jitter * draw())
        if at_least_sec is not None:
            delay = max(delay, min(at_least_sec, self.max_delay_sec))
        return delay

    def schedule(self) -> tuple[float, ...]:
        """The longest waits before attempts 2..`max_attempts` (the exact waits when `jitter` is 0)."""
        return tuple(self.ceiling(failures) for failures in range(1, self.max_attempts))

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
