"""Supervision of the local fleet: a service that exits without being asked to is reported loudly (its
name and exit code or signal) and started again after a backoff; one that keeps dying is reported as a
crash loop and left stopped, so the loop is visible instead of hidden behind endless restarts.

`RestartPolicy` is the pure rule (no clock of its own, no processes); `Supervisor` is the thread that
applies it to a `Fleet`.
"""

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fleet import Fleet

Report = Callable[[str], None]


@dataclass(frozen=True)
class RestartPolicy:
    """Restart with exponential backoff; more than `max_restarts` exits within `window_sec` is a loop."""

    base_delay_sec: float = 0.5
    max_delay_sec: float = 10.0
    max_restarts: int = 5
    window_sec: float = 60.0

    def delay(self, recent_exits: int) -> float:
        """Seconds to wait before the restart that follows the `recent_exits`-th exit in the window."""
        return float(min(self.max_delay_sec, self.base_delay_sec * 2 ** max(0, recent_exits - 1)))

    def is_crash_loop(self, recent_exits: int) -> bool:
        return recent_exits > self.max_restarts


@dataclass
class _Watch:
    exits: deque[float] = field(default_factory=deque)
    restart_at: float | None = None
    given_up: bool = False


class Supervisor:
    """Watches the fleet's children from a thread of its own; `stop()` before stopping the fleet."""

    def __init__(
        self,
        fleet: "Fleet",
        *,
        policy: RestartPolicy | None = None,
        report: Report,
        interval_sec: float = 0.2,
    ) -> None:
        self._fleet = fleet
        self.policy = policy or RestartPolicy()
        self._report = report
        self._interval_sec = interval_sec
        self._watches: dict[str, _Watch] = {}
        self._stopping = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fleet-supervisor", daemon=True)
        self.restarts: dict[str, int] = {}
        """Restarts per service name since the supervisor started (shown by tests and `make up`)."""

    def start(self) -> "Supervisor":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Restart nothing from now on (call before stopping the fleet)."""
        self._stopping.set()

    def close(self) -> None:
        """End the supervisor's thread — only once the children it restarted are stopped: the kernel sends
        PR_SET_PDEATHSIG when the *thread* that started a child exits, so they would be SIGKILLed."""
        self._stopping.set()
        self._closed.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    @property
    def crash_looping(self) -> list[str]:
        """Services the supervisor stopped restarting."""
        return sorted(name for name, watch in self._watches.items() if watch.given_up)

    def _run(self) -> None:
        while not self._closed.wait(self._interval_sec):
            if not self._stopping.is_set():
                self.check(time.monotonic())

    def check(self, now: float) -> None:
        """One look at every child: note unexpected exits, restart the ones whose backoff is over."""
        for name, child in list(self._fleet.children.items()):
            watch = self._watches.setdefault(name, _Watch())
            if watch.given_up or child.alive() or child.asked_to_stop or self._stopping.is_set():
                continue
            if watch.restart_at is None:
                self._exited(name, watch, now)
            elif now >= watch.restart_at:
                watch.restart_at = None
                self._fleet.restart(name)
                self.restarts[name] = self.restarts.get(name, 0) + 1
                self._report(f"supervisor: restarted {name} (restart {self.restarts[name]})")

    def _exited(self, name: str, watch: _Watch, now: float) -> None:
        how = self._fleet.children[name].exit_description()
        watch.exits.append(now)
        while watch.exits and now - watch.exits[0] > self.policy.window_sec:
            watch.exits.popleft()
        recent = len(watch.exits)
        if self.policy.is_crash_loop(recent):
            watch.given_up = True
            self._report(
                f"supervisor: !!! {name} is crash-looping ({recent} exits within "
                f"{self.policy.window_sec:.0f} s, last: {how}); NOT restarting it — read its log, fix the "
                "cause, then restart the system"
            )
            return
        delay = self.policy.delay(recent)
        watch.restart_at = now + delay
        self._report(
            f"supervisor: !!! {name} exited unexpectedly ({how}); restarting it in {delay:.1f} s "
            f"(exit {recent} within {self.policy.window_sec:.0f} s; more than {self.policy.max_restarts} "
            "is a crash loop)"
        )
