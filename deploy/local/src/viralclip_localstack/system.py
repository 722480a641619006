"""One way to start a whole local system — the embedded broker and database, then every service of the
fleet — used by `make up`, the demo and the test kit's `running_system` alike.

Their real differences are options: which environment the services inherit (`isolated` drops the
caller's `VIRALCLIP_*`/`OPENAI_*` settings and any external broker or database), how output is kept
(per-service log files, or one stream prefixed by service), topic partitions, the API port, and whether
the fleet is supervised. `start_async` lets a caller overlap the start-up with other work (the demo
renders its sample meanwhile). A new service joins every one of them by the `viralclip.services` entry
point its package declares (`fleet.installed_services`).
"""

import asyncio
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from .fleet import SERVICE_MODULES, Fleet
from .stack import EmbeddedStack
from .supervision import Report, RestartPolicy, Supervisor

_CALLER_SETTINGS = ("VIRALCLIP_", "OPENAI_")
_STACK_VARIABLES = ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI")


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class SystemOptions:
    """How to start the local system; the defaults are `make up`'s."""

    media_root: Path
    stack_dir: Path | None = None
    """Broker and database data and logs; a temporary directory (removed at stop) when None."""
    log_dir: Path | None = None
    """One log file per service here; None writes them nowhere unless `prefix_output`."""
    prefix_output: bool = False
    """Every service's output on this process's stdout, each line prefixed by the service name."""
    log_format: str = "text"
    services: tuple[str, ...] = tuple(SERVICE_MODULES)
    base_env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    isolated: bool = False
    """Drop the caller's `VIRALCLIP_*`/`OPENAI_*` settings and always start an embedded broker and
    database (tests and benchmarks: runs never share topics, groups or settings by accident)."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Settings every service gets, over everything else."""
    partitions: int | None = None
    api_port: int = 0
    """batch-api's port; 0 picks a free one."""
    supervise: bool = False
    restart_policy: RestartPolicy = field(default_factory=RestartPolicy)
    report: Report = _stderr
    """Where supervision lines go."""
    ready_timeout_sec: float = 120.0


class LocalSystem:
    """The stack and the fleet, started and stopped together; a context manager."""

    def __init__(self, options: SystemOptions) -> None:
        self.options = options
        stack_env: Mapping[str, str] = {} if options.isolated else options.base_env
        self.stack = EmbeddedStack(options.stack_dir, env=stack_env)
        self.fleet = Fleet({}, log_dir=options.log_dir, prefix_output=options.prefix_output)
        if options.api_port:
            self.fleet.ports["batch-api"] = options.api_port
        self.supervisor: Supervisor | None = None
        self.env: dict[str, str] = {}

    @property
    def media_root(self) -> Path:
        return self.options.media_root

    def url(self, service: str) -> str:
        return self.fleet.url(service)

    @property
    def api_url(self) -> str:
        """Base URL of the REST API, e.g. `http://127.0.0.1:8000/viral-clip`."""
        return f"{self.fleet.url('batch-api')}/viral-clip"

    def service_env(self) -> dict[str, str]:
        """The environment every service starts with (the stack must be running)."""
        options = self.options
        inherited = {
            key: value
            for key, value in options.base_env.items()
            if not (options.isolated and key.startswith((*_CALLER_SETTINGS, *_STACK_VARIABLES)))
        }
        partitions = {}
        if options.partitions is not None:
            partitions["VIRALCLIP_TOPIC_PARTITIONS"] = str(options.partitions)
        return {
            **inherited,
            **self.stack.env,
            "VIRALCLIP_MEDIA_ROOT": str(options.media_root.resolve()),
            "VIRALCLIP_LOG_FORMAT": options.log_format,
            **partitions,
            **options.env,
        }

    def start(self) -> "LocalSystem":
        """Start the stack and every service, wait until all are ready, then supervise if asked."""
        try:
            self.options.media_root.mkdir(parents=True, exist_ok=True)
            self.stack.start()
            self.env = self.service_env()
            self.fleet.base_env = dict(self.env)
            for service in self.options.services:
                self.fleet.start(service)
            self.fleet.wait_ready(timeout=self.options.ready_timeout_sec)
            if self.options.supervise:
                self.supervisor = Supervisor(
                    self.fleet, policy=self.options.restart_policy, report=self.options.report
                ).start()
        except BaseException:
            self.stop()
            raise
        return self

    async def start_async(self) -> "LocalSystem":
        """`start` in a thread, so the caller's event loop goes on with other work meanwhile (a thread
        cannot be cancelled: a caller that gives up still awaits this, then calls `stop`)."""
        return await asyncio.to_thread(self.start)

    def stop(self) -> dict[str, int | None]:
        """Stop supervising, SIGTERM every service (in parallel), then stop the stack; the exit codes."""
        if self.supervisor is not None:
            self.supervisor.stop()
        try:
            return self.fleet.stop()
        finally:
            if self.supervisor is not None:
                self.supervisor.close()
            self.stack.stop()

    def __enter__(self) -> "LocalSystem":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
