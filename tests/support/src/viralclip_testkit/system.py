"""The whole system for black-box tests and benchmarks: a broker and a database of its own (embedded, so
runs never share topics or consumer groups) and the five services as separate processes — the same
`LocalSystem` that `make up` and the demo start, with the tests' options."""

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from viralclip_localstack.fleet import SERVICE_MODULES, Fleet
from viralclip_localstack.stack import EmbeddedStack
from viralclip_localstack.supervision import RestartPolicy, Supervisor
from viralclip_localstack.system import LocalSystem, SystemOptions


@dataclass
class RunningSystem:
    stack: EmbeddedStack
    fleet: Fleet
    media_root: Path
    env: dict[str, str]
    supervisor: Supervisor | None = None

    @property
    def api_url(self) -> str:
        """Base URL of the REST API, e.g. `http://127.0.0.1:41234/viral-clip`."""
        return f"{self.fleet.url('batch-api')}/viral-clip"

    @property
    def kafka_bootstrap(self) -> str:
        return self.stack.kafka_bootstrap_servers

    def log(self, service: str) -> str:
        """What a service has logged so far."""
        assert self.fleet.log_dir is not None
        path = self.fleet.log_dir / f"{service}.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextlib.contextmanager
def running_system(
    workdir: Path,
    *,
    env: Mapping[str, str] | None = None,
    services: tuple[str, ...] = tuple(SERVICE_MODULES),
    supervise: bool = False,
    restart_policy: RestartPolicy | None = None,
) -> Iterator[RunningSystem]:
    """Start stack + services under `workdir` (logs in `workdir/logs`), wait until ready, stop after.
    With `supervise`, a service that exits unexpectedly is restarted (lines in `workdir/logs/fleet.log`)."""
    (workdir / "logs").mkdir(parents=True, exist_ok=True)
    fleet_log = workdir / "logs" / "fleet.log"

    def report(line: str) -> None:
        with fleet_log.open("a") as out:
            out.write(line + "\n")

    system = LocalSystem(
        SystemOptions(
            media_root=workdir / "media",
            stack_dir=workdir / "stack",
            log_dir=workdir / "logs",
            log_format="json",
            services=services,
            isolated=True,
            env=dict(env or {}),
            partitions=3,
            supervise=supervise,
            restart_policy=restart_policy or RestartPolicy(),
            report=report,
            ready_timeout_sec=90.0,
        )
    )
    with system:
        yield RunningSystem(
            stack=system.stack,
            fleet=system.fleet,
            media_root=system.media_root,
            env=system.env,
            supervisor=system.supervisor,
        )
