"""Which pipeline stages have a live consumer: consumer-group membership, asked of the broker.

A worker that crashed leaves its group when its session times out (`VIRALCLIP_CONSUMER_SESSION_TIMEOUT_MS`),
so a stage with no member has nobody to move its batches on. The broker is the source because it is
the one that hands out the work; the embedded Tansu broker answers DescribeGroups like Apache Kafka.
"""

import asyncio
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from viralclip_contracts import Stage
from viralclip_runtime import ServiceSettings
from viralclip_runtime.kafka import consumer_group

# The services that move a batch on, and the stage each one works.
PIPELINE_WORKERS: dict[str, Stage] = {
    "windowing": Stage.WINDOWING,
    "scoring": Stage.SCORING,
    "thumbnail": Stage.THUMBNAILS,
}


@dataclass(frozen=True)
class GroupStatus:
    """One worker service's consumer group as the broker sees it."""

    service: str
    stage: Stage
    group: str
    state: str
    members: int


async def describe_workers(settings: ServiceSettings, *, timeout_sec: float = 5.0) -> list[GroupStatus]:
    """Every pipeline worker's group: its state (`Stable`, `Empty`, …) and how many members it has."""
    groups = {service: consumer_group(service, settings) for service in PIPELINE_WORKERS}
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers, request_timeout_ms=int(timeout_sec * 1000)
    )
    try:
        async with asyncio.timeout(timeout_sec):
            await admin.start()
            responses = await admin.describe_consumer_groups(list(groups.values()))
    finally:
        await admin.close()
    found: dict[str, tuple[str, int]] = {}
    for response in responses:
        for _error, group, state, _protocol_type, _protocol, members, *_ in response.groups:
            found[str(group)] = (str(state), len(members))
    return [
        GroupStatus(service, PIPELINE_WORKERS[service], group, *found.get(group, ("Unknown", 0)))
        for service, group in groups.items()
    ]


UNAVAILABLE = (KafkaError, OSError, TimeoutError)
"""What asking the broker may raise when it is away."""
