"""Write the AsyncAPI document of every service: `python docs/asyncapi/generate.py [--check]`.

Each document is generated from the service's own FastStream application (its subscribers and
publishers with their pydantic payloads), built with fixed settings so the output does not depend on
the environment. Nothing connects: building an app creates its clients, it does not start them.
`--check` writes nothing and exits 1 when a committed document is stale (`make asyncapi` refreshes).
"""

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: the broker address the documents name: the compose stack's (deploy/compose)
SERVER = "kafka:9092"
FIXED: dict[str, Any] = {"kafka_bootstrap_servers": SERVER, "log_level": "WARNING", "log_format": "text"}


def batch_api() -> Any:
    from viralclip_batch_api.api.routes.observability import asyncapi_specification
    from viralclip_batch_api.bootstrap import build_service
    from viralclip_batch_api.settings import BatchApiSettings

    return asyncapi_specification(build_service(BatchApiSettings(**FIXED)).context.broker)


def windowing() -> Any:
    from viralclip_windowing.app import build_app
    from viralclip_windowing.settings import WindowingSettings

    return build_app(WindowingSettings(**FIXED)).schema


def scoring() -> Any:
    from viralclip_scoring.app import build_app
    from viralclip_scoring.settings import ScoringSettings

    return build_app(ScoringSettings(**FIXED, scoring_provider="heuristic")).schema


def thumbnail() -> Any:
    from viralclip_thumbnail.app import build_app
    from viralclip_thumbnail.settings import ThumbnailSettings

    return build_app(ThumbnailSettings(**FIXED)).schema


def render() -> Any:
    from viralclip_render.app import build_app
    from viralclip_render.settings import RenderServiceSettings

    return build_app(RenderServiceSettings(**FIXED)).schema


#: service → the function building its AsyncAPI specification (from its FastStream broker)
SERVICES: dict[str, Callable[[], Any]] = {
    "batch-api": batch_api,
    "windowing": windowing,
    "scoring": scoring,
    "thumbnail": thumbnail,
    "render": render,
}


def document(service: str) -> str:
    """The AsyncAPI document of `service` as committed: indented JSON ending with a newline."""
    specification = SERVICES[service]().to_specification().to_jsonable()
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
