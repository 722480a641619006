"""Composition root of the windowing service: settings → clients → ports → the batch.created subscriber."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from viralclip_contracts import (
    BATCH_CREATED,
    BATCH_FAILED,
    WINDOWS_READY,
    BatchCreated,
    BatchFailed,
    Stage,
    WindowsReady,
)
from viralclip_runtime import WorkerContext, worker_app, worker_context

from .handlers import handle_batch_created
from .repository import MongoWindowRepository
from .settings import WindowingSettings

SERVICE = "windowing"


def build_worker(settings: WindowingSettings) -> WorkerContext:
    """The worker with its batch.created subscriber registered; the broker starts with the app."""
    context = worker_context(SERVICE, settings)
    repository = MongoWindowRepository(context.db)
    rules = settings.rules
    context.broker.publisher(
        settings.topic(WINDOWS_READY),
        description="The batch's candidate windows (time range, scenes, transcript excerpt).",
        schema=WindowsReady,
    )
    context.broker.publisher(
        settings.topic(BATCH_FAILED),
        description="The video is missing, has nothing to cut, or the timeframe leaves nothing.",
        schema=BatchFailed,
    )

    @context.subscriber(
        settings.topic(BATCH_CREATED),
        description="A creator asked for clips: cut the video into candidate windows.",
        stage=Stage.WINDOWING,
    )
    async def on_batch_created(event: BatchCreated) -> None:
        await handle_batch_created(event, repository=repository, publish=context.publish, rules=rules)

    return context


def build_app(settings: WindowingSettings | None = None) -> AsgiFastStream:
    """The ASGI app served by `python -m viralclip_windowing`."""
    return worker_app(build_worker(settings or WindowingSettings.load()))
