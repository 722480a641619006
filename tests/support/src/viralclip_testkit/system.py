"""The whole system for black-box tests and benchmarks: a broker and a database of its own (embedded, so
runs never share topics or consumer groups) and the four services as separate processes."""

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from viralclip_localstack.fleet import SERVICE_MODULES, Fleet
from viralclip_localstack.stack import EmbeddedStack


@dataclass
class RunningSystem:
    stack: EmbeddedStack
    fleet: Fleet
    media_root: Path
    env: dict[str, str]

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
) -> Iterator[RunningSystem]:
    """Start stack + services under `workdir` (logs in `workdir/logs`), wait until ready, stop after."""
    media_root = workdir / "media"
    media_root.mkdir(parents=True, exist_ok=True)
    with EmbeddedStack(workdir / "stack", env={}) as stack:
        service_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("VIRALCLIP_", "OPENAI_"))},
            **stack.env,
            "VIRALCLIP_MEDIA_ROOT": str(media_root),
            "VIRALCLIP_LOG_FORMAT": "json",
            "VIRALCLIP_TOPIC_PARTITIONS": "3",
            **(env or {}),
        }
        fleet = Fleet(service_env, log_dir=workdir / "logs")
        try:
            for service in services:
                fleet.start(service)
            fleet.wait_ready()
            yield RunningSystem(stack=stack, fleet=fleet, media_root=media_root, env=service_env)
        finally:
            fleet.stop()
