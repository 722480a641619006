"""Write the AsyncAPI document of every service: `python docs/asyncapi/generate.py [--check]`.

Each document is generated from the service's own FastStream application (its subscribers and
publishers with their pydantic payloads), built with fixed settings so the output does not depend on
the environment; every service of the workspace gets one (`viralclip_testkit.workspace`). Nothing
connects: building an app creates its clients, it does not start them.
`--check` writes nothing and exits 1 when a committed document is stale (`make asyncapi` refreshes).
"""

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from viralclip_testkit.workspace import ServicePackage, service_packages

HERE = Path(__file__).resolve().parent
#: the broker address the documents name: the compose stack's (deploy/compose)
SERVER = "kafka:9092"
FIXED: dict[str, Any] = {"kafka_bootstrap_servers": SERVER, "log_level": "WARNING", "log_format": "text"}
#: settings beyond FIXED that keep a service's document independent of the environment
SETTINGS: dict[str, dict[str, Any]] = {"scoring": {"scoring_provider": "heuristic"}}


def batch_api(_: ServicePackage) -> Any:
    """batch-api's broker lives in its HTTP API, which serves the same specification."""
    from viralclip_batch_api.api.routes.observability import asyncapi_specification
    from viralclip_batch_api.bootstrap import build_service
    from viralclip_batch_api.settings import BatchApiSettings

    return asyncapi_specification(build_service(BatchApiSettings(**FIXED)).context.broker)


def worker(package: ServicePackage) -> Any:
    """A worker's specification: its FastStream app, `<module>.app.build_app(settings)`."""
    app = importlib.import_module(f"{package.module}.app")
    settings = package.settings_class(**FIXED, **SETTINGS.get(package.name, {}))
    return app.build_app(settings).schema


#: the services whose specification is not a worker app's
BUILDERS: dict[str, Callable[[ServicePackage], Any]] = {"batch-api": batch_api}
#: service → its package: every service of the workspace (`viralclip_testkit.workspace`)
SERVICES: dict[str, ServicePackage] = {package.name: package for package in service_packages()}


def document(service: str) -> str:
    """The AsyncAPI document of `service` as committed: indented JSON ending with a newline."""
    build = BUILDERS.get(service, worker)
    specification = build(SERVICES[service]).to_specification().to_jsonable()
    # sorted: FastStream orders channels by set iteration, which changes with the hash seed
    return json.dumps(specification, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if a committed document is stale")
    args = parser.parse_args(argv)
    stale = []
    for service in SERVICES:
        path = HERE / f"{service}.json"
        text = document(service)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(HERE.parents[1])}")
    if stale:
        print(f"stale AsyncAPI documents: {', '.join(stale)}; run `make asyncapi`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
