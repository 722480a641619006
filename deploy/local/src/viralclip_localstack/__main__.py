"""`viralclip-localstack stack` (broker + database) and `viralclip-localstack up` (plus the services)."""

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from .stack import EmbeddedStack
from .system import LocalSystem, SystemOptions


def _wait_for_interrupt() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def run_stack(workdir: Path | None) -> int:
    with EmbeddedStack(workdir) as stack:
        for key, value in stack.env.items():
            print(f"export {key}={value}", flush=True)
        print("# embedded stack running; Ctrl-C stops it", flush=True)
        _wait_for_interrupt()
    return 0


def run_up(workdir: Path | None, media_root: Path, api_port: int) -> int:
    system = LocalSystem(
        SystemOptions(
            media_root=media_root,
            stack_dir=workdir,
            prefix_output=True,
            log_format=os.environ.get("VIRALCLIP_LOG_FORMAT", "text"),
            api_port=api_port,
            supervise=True,
            report=_loud,
        )
    )
    system.start()
    try:
        print(
            f"viralclip is up: API {system.api_url}  (docs: {system.url('batch-api')}/docs, fleet status: "
            f"{system.url('batch-api')}/status); Ctrl-C stops everything",
            flush=True,
        )
        for key, value in system.stack.env.items():
            print(f"  {key}={value}", flush=True)
        _wait_for_interrupt()
    finally:
        codes = system.stop()
        print(f"stopped: {codes}", flush=True)
    return 0


def _loud(line: str) -> None:
    print(f"{'fleet':>10} | {line}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="viralclip-localstack", description=__doc__)
    parser.add_argument("command", choices=["stack", "up"])
    parser.add_argument("--workdir", type=Path, default=None, help="keep logs and data here")
    parser.add_argument("--media-root", type=Path, default=Path("var/media"))
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("VIRALCLIP_API_PORT", "8000")))
    args = parser.parse_args()
    if args.command == "stack":
        sys.exit(run_stack(args.workdir))
    sys.exit(run_up(args.workdir, args.media_root, args.api_port))


if __name__ == "__main__":
    main()
