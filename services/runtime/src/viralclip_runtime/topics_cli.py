"""`viralclip-topics`: create every lifecycle's topics and their dead-letter topics, when missing.

    viralclip-topics            # KAFKA_BOOTSTRAP_SERVERS, VIRALCLIP_TOPIC_PARTITIONS, VIRALCLIP_TOPIC_SUFFIX

Run once before the services start (the compose stack's `kafka-init` does), so every topic exists with
the deployment's partition count before the first consumer joins its group. The topic list is read from
the lifecycle tables in `viralclip_contracts.pipeline`: a new stage needs no edit here or in a deployment.
Prints one JSON line per topic, `created` or `existed`; exits 1 with the broker's error when it cannot.
"""

import argparse
import asyncio
import json
import sys

from viralclip_contracts import ALL_TOPICS

from .kafka import ensure_topics
from .settings import ServiceSettings


async def create_all_topics(settings: ServiceSettings) -> dict[str, bool]:
    """Every topic of the deployment (suffix applied, each followed by its dead-letter topic) → created."""
    topics = tuple(settings.topic(name) for name in ALL_TOPICS)
    return await ensure_topics(
        settings.kafka_bootstrap_servers, partitions=settings.topic_partitions, topics=topics
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="viralclip-topics", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.parse_args()
    settings = ServiceSettings.load()
    try:
        outcome = asyncio.run(create_all_topics(settings))
    except RuntimeError as error:
        print(f"viralclip-topics: {error}", file=sys.stderr)
        raise SystemExit(1) from error
    for topic, created in outcome.items():
        state = "created" if created else "existed"
        print(json.dumps({"topic": topic, "partitions": settings.topic_partitions, "state": state}))


if __name__ == "__main__":
    main()
