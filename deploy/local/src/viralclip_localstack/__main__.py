"""`viralclip-localstack stack` (broker + database) and `viralclip-localstack up` (plus the services)."""

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from .fleet import Fleet
from .stack import EmbeddedStack


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
    with EmbeddedStack(workdir) as stack:
        env = {
            **os.environ,
            **stack.env,
            "VIRALCLIP_MEDIA_ROOT": str(media_root.resolve()),
            "VIRALCLIP_LOG_FORMAT": os.environ.get("VIRALCLIP_LOG_FORMAT", "text"),
        }
        fleet = Fleet(env, prefix_output=True)
        fleet.ports["batch-api"] = api_port
        try:
            fleet.start_all()
            fleet.wait_ready()
            print(
                f"viralclip is up: API {fleet.url('batch-api')}/viral-clip  (docs: "
                f"{fleet.url('batch-api')}/docs); Ctrl-C stops everything",
                flush=True,
            )
            for key, value in stack.env.items():
                print(f"  {key}={value}", flush=True)
            _wait_for_interrupt()
        finally:
            codes = fleet.stop()
            print(f"stopped: {codes}", flush=True)
    return 0


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
