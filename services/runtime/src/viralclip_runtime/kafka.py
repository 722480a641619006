"""Kafka wiring: the broker every service uses, consumer options for at-least-once, topic creation."""

import contextlib
import logging
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.middlewares import AckPolicy
from opentelemetry.trace import TracerProvider
from prometheus_client import CollectorRegistry

from viralclip_contracts import PIPELINE_TOPICS, Event, dead_letter_topic

from .deadletter import DeadLetters
from .retry import RetryPolicy
from .settings import ServiceSettings

logger = logging.getLogger(__name__)


def consumer_group(service: str, settings: ServiceSettings) -> str:
    """`viralclip-<service>`, plus the deployment's topic suffix: replicas share it, and the inbox and
    the dead-letter headers name it."""
    return f"viralclip-{service}{settings.topic_suffix}"


def make_broker(
    settings: ServiceSettings,
    *,
    service: str,
    registry: CollectorRegistry,
    tracer_provider: TracerProvider,
) -> KafkaBroker:
    """A FastStream broker with dead-lettering, Prometheus metrics and trace propagation."""
    dead_letters = DeadLetters(
        group=consumer_group(service, settings),
        retry=RetryPolicy(
            max_attempts=settings.retry_max_attempts, max_delay_sec=settings.retry_max_delay_sec
        ),
    )
    broker = KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=f"viralclip-{service}",
        acks="all",
        request_timeout_ms=15_000,
        graceful_timeout=30.0,
        logger=logging.getLogger(f"viralclip.{service}.broker"),
        middlewares=[
            KafkaTelemetryMiddleware(tracer_provider=tracer_provider),
            KafkaPrometheusMiddleware(registry=registry, app_name=service),
            dead_letters,
        ],
        description=f"viralclip {service} service",
    )
    dead_letters.bind(broker)
    return broker


def consumer_options(settings: ServiceSettings, *, group: str) -> dict[str, Any]:
    """Subscriber options for at-least-once: manual acks after the work, from the earliest offset.

    The handler acknowledges (commits) only after its writes and its outgoing event succeeded;
    see `viralclip_runtime.delivery.deliver`.
    """
    concurrency = {"max_workers": settings.consumer_workers} if settings.consumer_workers > 1 else {}
    return {
        **concurrency,
        "group_id": group,
        "ack_policy": AckPolicy.MANUAL,
        "auto_offset_reset": "earliest",
        "fetch_max_wait_ms": settings.consumer_fetch_max_wait_ms,
        "session_timeout_ms": settings.consumer_session_timeout_ms,
        "heartbeat_interval_ms": max(500, settings.consumer_session_timeout_ms // 4),
        "max_poll_interval_ms": settings.consumer_max_poll_interval_ms,
    }


async def publish_event(broker: KafkaBroker, topic: str, event: Event) -> None:
    """Publish `event` keyed by its batch id, so one batch's events stay ordered."""
    await broker.publish(
        event.model_dump(mode="json"),
        topic=topic,
        key=event.batch_id.encode(),
        headers={"event-type": topic, "event-id": str(event.event_id)},
    )


async def ensure_topics(
    bootstrap_servers: str, *, partitions: int, topics: tuple[str, ...] = PIPELINE_TOPICS
) -> dict[str, bool]:
    """Create `topics` and their dead-letter topics when missing (idempotent).

    Returns every one of them, each topic followed by its dead-letter topic, with whether it was created.
    """
    wanted = [name for topic in topics for name in (topic, dead_letter_topic(topic))]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=15_000)
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        missing = [name for name in wanted if name not in existing]
        for name in missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another replica won the race
                await admin.create_topics([NewTopic(name, partitions, replication_factor=1)])
        if missing:
            logger.info("created topics", extra={"topics": missing, "partitions": partitions})
        return {name: name in missing for name in wanted}
    except KafkaError as error:
        raise RuntimeError(f"could not create Kafka topics on {bootstrap_servers}: {error}") from error
    finally:
        await admin.close()
