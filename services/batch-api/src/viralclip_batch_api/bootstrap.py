"""The composition root: settings → clients → ports → the service's parts, started and stopped together.

`build_service` creates everything without connecting (so the AsyncAPI document and the HTTP tracing
middleware can be made from it); `start_service` connects, subscribes and starts the background tasks.

`Ports` lets a test bind another event publisher (to inject a crash into the outbox relay), another
HTTP transport or DNS resolver for webhooks; everything else is the real thing.
"""

import asyncio
import functools
import logging
from dataclasses import dataclass, field
from typing import Annotated

import httpx
from pydantic import Field

from viralclip_contracts import BATCH_CREATED, EXPORT_TOPICS, PIPELINE_TOPICS, BatchCreated, PipelineEvent
from viralclip_runtime import WorkerContext, ensure_topics, worker_context

from .adapters.changes import BatchChanges
from .adapters.export_projector import ExportProjector, subscribe_exports
from .adapters.export_repository import ExportRecord, ExportRepository
from .adapters.export_webhooks import export_webhook
from .adapters.metrics import BatchMetrics
from .adapters.outbox import EventPublisher, KafkaEventPublisher, OutboxRelay
from .adapters.projector import Projector
from .adapters.repository import Repository
from .adapters.stall_watch import BatchDeadlines, StallWatch
from .adapters.webhook_guard import DestinationGuard, Resolver, system_resolver
from .adapters.webhook_sender import WebhookSender
from .core.webhook_destinations import Allowlist
from .service_layer.commands import BatchCommands
from .service_layer.export_commands import ExportCommands, record_if_export_request
from .settings import BatchApiSettings

SERVICE = "batch-api"
logger = logging.getLogger(__name__)
AnyPipelineEvent = Annotated[PipelineEvent, Field(discriminator="event_type")]


@dataclass
class Ports:
    """Replaceable adapters; `None` means the real one."""

    publisher: EventPublisher | None = None
    webhook_transport: httpx.AsyncBaseTransport | None = None
    webhook_resolver: Resolver | None = None


@dataclass
class Service:
    """Everything the routes need, created once per process in the app's lifespan."""

    settings: BatchApiSettings
    context: WorkerContext
    repo: Repository
    commands: BatchCommands
    exports: ExportRepository
    export_commands: ExportCommands
    changes: BatchChanges
    relay: OutboxRelay
    webhooks: WebhookSender
    stall_watch: StallWatch
    http: httpx.AsyncClient
    metrics: BatchMetrics
    tasks: list["asyncio.Task[None]"] = field(default_factory=list)

    def background_alive(self) -> bool:
        """True while the outbox relay, the webhook sender and the stall watch run."""
        return all(not task.done() for task in self.tasks)


def _subscribe(context: WorkerContext, settings: BatchApiSettings, projector: Projector) -> None:
    @context.subscriber(
        *(settings.topic(name) for name in PIPELINE_TOPICS),
        title="batch-api projector",
        description="Projects batch and job status from every pipeline event.",
    )
    async def on_pipeline_event(event: AnyPipelineEvent) -> None:
        await projector.project(event)

    context.broker.publisher(
        settings.topic(BATCH_CREATED),
        title="batch-api outbox relay",
        description="A creator asked for clips (or retried a failed batch as a new job).",
        schema=BatchCreated,
    )


def build_service(settings: BatchApiSettings, ports: Ports | None = None) -> Service:
    """Create the clients and parts of the service; nothing connects until `start_service`."""
    ports = ports or Ports()
    context = worker_context(SERVICE, settings)
    repo = Repository(context.db)
    changes = BatchChanges()
    http = httpx.AsyncClient(transport=ports.webhook_transport, follow_redirects=False)
    guard = DestinationGuard(
        Allowlist.parse(settings.webhook_allowed_destinations),
        ports.webhook_resolver or system_resolver,
        timeout_sec=settings.webhook_resolve_timeout_sec,
    )
    webhooks = WebhookSender(repo, http, settings, guard)
    exports = ExportRepository(context.db)
    relay = OutboxRelay(
        repo,
        ports.publisher or KafkaEventPublisher(context.broker, settings),
        poll_interval_sec=settings.poll_interval_sec,
        before_publish=functools.partial(record_if_export_request, exports),
    )
    projector = Projector(repo, changes, webhooks.enqueue)
    _subscribe(context, settings, projector)

    async def export_ended(record: ExportRecord) -> None:
        await export_webhook(repo, webhooks, record)

    subscribe_exports(context, settings, ExportProjector(exports, changes, export_ended))
    metrics = BatchMetrics(context.registry)
    # One entry per lifecycle under deadline; clip exports join this list.
    watched = [
        BatchDeadlines(
            repo, projector, settings.deadline_rules(), wake_relay=relay.wake, on_action=metrics.stall_action
        )
    ]
    stall_watch = StallWatch(watched, interval_sec=settings.stall_watch_interval_sec)
    service = Service(
        settings=settings,
        context=context,
        repo=repo,
        commands=BatchCommands(repo, settings, relay.wake, guard),
        exports=exports,
        export_commands=ExportCommands(repo, exports, changes, relay.wake),
        changes=changes,
        relay=relay,
        webhooks=webhooks,
        stall_watch=stall_watch,
        http=http,
        metrics=metrics,
    )
    return service


async def start_service(service: Service) -> None:
    """Create topics and indexes, start the broker (subscribed) and the background tasks."""
    settings, context, repo = service.settings, service.context, service.repo
    try:
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            partitions=settings.topic_partitions,
            topics=tuple(settings.topic(name) for name in (*PIPELINE_TOPICS, *EXPORT_TOPICS)),
        )
        await repo.create_indexes()
        await service.exports.create_indexes()
        await context.broker.start()
    except BaseException:
        await stop_service(service)
        raise
    service.tasks = [
        asyncio.create_task(service.relay.run(), name="outbox-relay"),
        asyncio.create_task(service.webhooks.run(), name="webhook-sender"),
        asyncio.create_task(service.stall_watch.run(), name="stall-watch"),
    ]
    logger.info(
        "connected and subscribed",
        extra={
            "topics": [settings.topic(name) for name in PIPELINE_TOPICS],
            "group": context.group,
        },
    )


async def stop_service(service: Service) -> None:
    """Stop the background tasks, the broker (in-flight handlers finish) and the clients."""
    for task in service.tasks:
        task.cancel()
    # A task that already died (its failure was reported by /readyz) must not stop the shutdown.
    await asyncio.gather(*service.tasks, return_exceptions=True)
    await service.context.broker.stop()
    await service.http.aclose()
    await service.context.mongo.close()
    service.context.tracing.shutdown()
