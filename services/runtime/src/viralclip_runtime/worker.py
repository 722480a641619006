"""The shell of a worker service: FastStream app with health, readiness, metrics and AsyncAPI routes.

A worker's composition root (`build_app`) creates a `WorkerContext` (settings → clients → ports),
declares its subscribers with `@context.subscriber(topic, description=..., stage=...)` on handlers that
take the event (the context wraps each in the at-least-once ack policy), and returns
`worker_app(context)`; `run_worker` serves it with uvicorn, which turns SIGTERM/SIGINT into a graceful
stop (in-flight handlers finish, bounded by the broker's graceful timeout, and commit).
"""

import asyncio
import contextlib
import functools
import inspect
import json
import logging
import typing
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import uvicorn
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.specification import AsyncAPI
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from viralclip_contracts import PIPELINE_TOPICS, BatchFailed, Event, Stage

from . import delivery
from .deadletter import DeadLetters
from .delivery import OnUnexpected, Work
from .heartbeat import Heartbeat
from .identity import next_event
from .inbox import Inbox
from .kafka import consumer_group, consumer_options, ensure_topics, make_broker, publish_event
from .keepalive import poll_kept_alive
from .logs import configure_logging
from .mongo import Document, connect_mongo, database, redact_uri
from .observability import metrics_registry, tracer_provider
from .retry import RetryPolicy
from .settings import ServiceSettings

logger = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)
Handler = Callable[[E], Awaitable[None]]
Report = Callable[[E, Exception], Awaitable[None]]


@dataclass
class WorkerContext:
    """Everything a worker's handlers need, created once per process."""

    service: str
    settings: ServiceSettings
    broker: KafkaBroker
    mongo: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]
    registry: CollectorRegistry
    tracing: TracerProvider
    inbox: Inbox
    retry: RetryPolicy
    dead_letters: DeadLetters = field(repr=False)

    @property
    def group(self) -> str:
        """The consumer group of this service: replicas share it, other services have their own."""
        return consumer_group(self.service, self.settings)

    async def publish(self, event: Event) -> None:
        """Publish `event` on its own topic (its event type, in this deployment's naming), keyed by batch."""
        await publish_event(self.broker, self.settings.topic(event.event_type), event)

    async def deliver(
        self,
        message: KafkaMessage,
        event: Event,
        work: Work,
        *,
        stage: Stage | None = None,
        report: OnUnexpected | None = None,
    ) -> None:
        """`delivery.deliver` with this worker's inbox, retry policy and dead-letter topic. A pipeline
        `stage` that meets an unexpected error reports it as its `batch.failed`, so the batch never
        stays in progress; another lifecycle passes its own `report`."""
        if report is None and stage is not None:
            report = functools.partial(self._report, event, stage)

        # A long handler (a slow LLM) keeps polling, so its consumer stays in the group past
        # max_poll_interval_ms.
        every_sec = self.settings.consumer_max_poll_interval_ms / 1000 / 4
        async with poll_kept_alive(message, every_sec=every_sec):
            await delivery.deliver(
                message,
                event,
                inbox=self.inbox,
                work=work,
                retry=self.retry,
                dead_letters=self.dead_letters,
                on_unexpected=report,
            )

    def subscriber(
        self,
        *topics: str,
        description: str,
        stage: Stage | None = None,
        report: Report[E] | None = None,
        workers: int | None = None,
        title: str | None = None,
    ) -> Callable[[Handler[E]], Handler[E]]:
        """Declare `handler(event)` as this worker's consumer of `topics` (already suffixed names).

        The event type is the handler's first parameter's annotation (the contract FastStream
        validates and documents). Each message runs through `deliver` with manual acks
        (`consumer_options`): de-duplicated, retried, acked only after the handler returned; a
        pipeline `stage` reports an unexpected error as its `batch.failed`, another lifecycle's
        `report(event, error)` as it chooses. `workers` overrides `VIRALCLIP_CONSUMER_WORKERS`.
        """
        settings = self.settings
        if workers is not None:
            settings = settings.model_copy(update={"consumer_workers": workers})

        def register(handler: Handler[E]) -> Handler[E]:
            subscribe = self.broker.subscriber(
                *topics,
                title=title,
                description=description,
                **consumer_options(settings, group=self.group),
            )
            subscribe(self._delivering(handler, stage, report))
            return handler

        return register

    def _delivering(
        self, handler: Handler[E], stage: Stage | None, report: Report[E] | None
    ) -> Callable[..., Awaitable[None]]:
        """FastStream's callback for `handler`: the event (typed as the handler's) and the message."""

        async def on_message(event: E, msg: KafkaMessage) -> None:
            reported = None if report is None else functools.partial(report, event)
            await self.deliver(msg, event, functools.partial(handler, event), stage=stage, report=reported)

        first = next(iter(inspect.signature(handler).parameters))
        event_type = typing.get_type_hints(handler, include_extras=True)[first]
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        on_message.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [
                inspect.Parameter(first, kind, annotation=event_type),
                inspect.Parameter("msg", kind, annotation=KafkaMessage),
            ],
            return_annotation=None,
        )
        on_message.__name__ = on_message.__qualname__ = handler.__name__
        on_message.__doc__ = handler.__doc__
        return on_message

    async def _report(self, event: Event, stage: Stage, error: Exception) -> None:
        await self.publish(
            next_event(
                event, BatchFailed, producer=self.service, stage=stage, error_message=unexpected(stage, error)
            )
        )


def unexpected(stage: Stage, error: Exception) -> str:
    """What the creator reads when a stage failed on a bug rather than on their input."""
    return (
        f"{stage.value.capitalize()} failed unexpectedly ({type(error).__name__}); "
        "the message was parked on the dead-letter topic. Retry the batch."
    )


def worker_context(service: str, settings: ServiceSettings) -> WorkerContext:
    """Create the clients of a worker (they connect when the app starts)."""
    configure_logging(service, level=settings.log_level, fmt=settings.log_format)
    registry = metrics_registry()
    tracing = tracer_provider(service, settings.otlp_endpoint)
    broker = make_broker(settings, service=service, registry=registry, tracer_provider=tracing)
    mongo = connect_mongo(settings)
    db = database(mongo, settings)
    dead_letters = next(m for m in broker.middlewares if isinstance(m, DeadLetters))
    return WorkerContext(
        service=service,
        settings=settings,
        broker=broker,
        mongo=mongo,
        db=db,
        registry=registry,
        tracing=tracing,
        inbox=Inbox(db, group=consumer_group(service, settings)),
        retry=RetryPolicy(
            max_attempts=settings.retry_max_attempts, max_delay_sec=settings.retry_max_delay_sec
        ),
        dead_letters=dead_letters,
    )


async def readiness(context: WorkerContext) -> dict[str, str]:
    """'ok' or the reason, per dependency."""
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(context.db.command("ping"), timeout=2)
        checks["mongodb"] = "ok"
    except (PyMongoError, TimeoutError) as error:
        checks["mongodb"] = f"unavailable: {type(error).__name__}"
    checks["kafka"] = "ok" if await context.broker.ping(timeout=2) else "unavailable"
    return checks


def worker_app(context: WorkerContext) -> AsgiFastStream:
    """The ASGI app of a worker: the broker plus /healthz, /readyz, /metrics and /asyncapi.json."""

    @get(description="The process is up.")
    async def healthz(scope: Any) -> AsgiResponse:
        return AsgiResponse(b'{"status":"ok"}', 200, {"content-type": "application/json"})

    @get(description="MongoDB and Kafka answer.")
    async def readyz(scope: Any) -> AsgiResponse:
        checks = await readiness(context)
        status = 200 if all(v == "ok" for v in checks.values()) else 503
        return AsgiResponse(json.dumps(checks).encode(), status, {"content-type": "application/json"})

    @get(description="Prometheus metrics.")
    async def metrics(scope: Any) -> AsgiResponse:
        return AsgiResponse(generate_latest(context.registry), 200, {"content-type": CONTENT_TYPE_LATEST})

    async def create_topics() -> None:
        await ensure_topics(
            context.settings.kafka_bootstrap_servers,
            partitions=context.settings.topic_partitions,
            topics=tuple(context.settings.topic(t) for t in PIPELINE_TOPICS),
        )
        logger.info(
            "connecting",
            extra={
                "kafka": context.settings.kafka_bootstrap_servers,
                "mongodb": redact_uri(context.settings.mongodb_uri.get_secret_value()),
            },
        )

    heartbeat = Heartbeat(
        context.db,
        service=context.service,
        group=context.group,
        every_sec=context.settings.heartbeat_interval_sec,
    )

    async def announce() -> None:
        topics = sorted({t for s in context.broker.subscribers for t in getattr(s, "topics", ())})
        logger.info("connected and subscribed", extra={"topics": topics, "group": context.group})
        heartbeat.start()

    async def close_clients() -> None:
        await context.mongo.close()
        context.tracing.shutdown()

    app = AsgiFastStream(
        context.broker,
        specification=AsyncAPI(
            title=f"viralclip {context.service}",
            version="1.0.0",
            description=f"Events consumed and published by the viralclip {context.service} service.",
        ),
        asgi_routes=[("/healthz", healthz), ("/readyz", readyz), ("/metrics", metrics)],
        on_startup=[create_topics],
        after_startup=[announce],
        on_shutdown=[heartbeat.stop],
        after_shutdown=[close_clients],
        logger=logging.getLogger(f"viralclip.{context.service}"),
    )

    @get(description="AsyncAPI document of this service's events.")
    async def asyncapi_json(scope: Any) -> AsgiResponse:
        document = app.schema.to_specification().to_jsonable()
        return AsgiResponse(json.dumps(document).encode(), 200, {"content-type": "application/json"})

    app.mount("/asyncapi.json", asyncapi_json)
    return app


class _GracefulServer(uvicorn.Server):
    """uvicorn re-raises a captured SIGTERM after its graceful shutdown, so the process would exit -15;
    a service that stopped cleanly exits 0 instead, which is what supervisors and `make up` expect."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            try:
                yield
            finally:
                self._captured_signals.clear()


def run_worker(app: Any, settings: ServiceSettings) -> None:
    """Serve `app` (a worker or the API) until SIGTERM/SIGINT, then stop gracefully with exit code 0."""
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=30,
    )
    _GracefulServer(config).run()
