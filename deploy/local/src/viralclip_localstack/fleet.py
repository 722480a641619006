"""Every viralclip service as a separate process, wired to one stack (used by `make up`, the demo,
the end-to-end tests and the benchmarks)."""

import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from importlib.metadata import entry_points
from pathlib import Path
from typing import IO

from viralclip_contracts import producer_order

from .processes import ChildProcess
from .stack import free_port

SERVICES_ENTRY_POINTS = "viralclip.services"
"""The entry-point group each service's package declares: its name → the module `python -m` runs."""


def installed_services() -> dict[str, str]:
    """Every installed service → its module, in the order the lifecycle tables name their producers
    (batch-api, windowing, scoring, thumbnail, render), any other after them by name."""
    found = {entry.name: entry.value for entry in entry_points(group=SERVICES_ENTRY_POINTS)}
    return {name: found[name] for name in sorted(found, key=producer_order)}


SERVICE_MODULES: dict[str, str] = installed_services()


class Fleet:
    """Starts, watches and stops the services; each gets its own HTTP port."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        log_dir: Path | None = None,
        prefix_output: bool = False,
    ) -> None:
        self.base_env = dict(env)
        self.log_dir = log_dir
        self.prefix_output = prefix_output
        self.ports: dict[str, int] = {}
        self.children: dict[str, ChildProcess] = {}
        self._specs: dict[str, tuple[str, str, dict[str, str]]] = {}
        self._pumps: list[threading.Thread] = []

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(
        self, service: str, *, replica: str = "", extra_env: Mapping[str, str] | None = None
    ) -> ChildProcess:
        """Start one service (or another replica of it, named by `replica`)."""
        name = f"{service}{replica}"
        self._specs[name] = (service, replica, dict(extra_env or {}))
        port = self.ports.get(name) or free_port()
        self.ports[name] = port
        env = {**self.base_env, "VIRALCLIP_HTTP_PORT": str(port), **(extra_env or {})}
        child = ChildProcess(
            name,
            [sys.executable, "-m", SERVICE_MODULES[service]],
            env=env,
            log_path=self.log_dir / f"{name}.log" if self.log_dir else None,
            pipe_output=self.prefix_output,
        ).start()
        if self.prefix_output:
            assert child.process is not None
            assert child.process.stdout is not None
            pump = threading.Thread(target=_prefix_lines, args=(name, child.process.stdout), daemon=True)
            pump.start()
            self._pumps.append(pump)
        self.children[name] = child
        return child

    def restart(self, name: str) -> ChildProcess:
        """Start the child `name` again, with the port and settings it had."""
        service, replica, extra_env = self._specs[name]
        return self.start(service, replica=replica, extra_env=extra_env)

    def start_all(self, extra_env: Mapping[str, str] | None = None) -> None:
        for service in SERVICE_MODULES:
            self.start(service, extra_env=extra_env)

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until every started service answers /readyz (its broker and database connected)."""
        deadline = time.monotonic() + timeout
        for name, child in self.children.items():
            while not _answers(f"http://127.0.0.1:{self.ports[name]}/readyz"):
                if not child.alive():
                    raise RuntimeError(f"service {name} exited during start-up")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"service {name} not ready after {timeout:.0f} s")
                time.sleep(0.2)

    def stop(self, timeout: float = 30.0) -> dict[str, int | None]:
        """SIGTERM every service (in parallel), then collect exit codes."""
        for child in self.children.values():
            child.terminate()
        codes = {name: child.stop(timeout) for name, child in self.children.items()}
        for pump in self._pumps:
            pump.join(timeout=2)
        return codes


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _prefix_lines(name: str, stream: IO[bytes]) -> None:
    label = f"{name:>10} | "
    for raw in iter(stream.readline, b""):
        sys.stdout.write(label + raw.decode(errors="replace"))
        sys.stdout.flush()
