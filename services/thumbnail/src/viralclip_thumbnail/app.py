"""Composition root of the thumbnail service: settings → clients → ports → the clips.scored subscriber."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from viralclip_contracts import (
    BATCH_FAILED,
    CLIPS_SCORED,
    THUMBNAILS_DONE,
    BatchFailed,
    ClipsScored,
    Stage,
    ThumbnailsDone,
)
from viralclip_media import FfmpegRunner, PyAvStillMaker, StillMaker, ffmpeg_runner
from viralclip_runtime import (
    WorkerContext,
    worker_app,
    worker_context,
)

from .handlers import ThumbnailOptions, handle_clips_scored
from .metrics import MeasuredRunner, ThumbnailMetrics
from .repository import MongoThumbnailRepository
from .settings import ThumbnailSettings

SERVICE = "thumbnail"


def build_worker(
    settings: ThumbnailSettings,
    *,
    runner: FfmpegRunner | None = None,
    stills: StillMaker | None = None,
) -> WorkerContext:
    """The worker with its clips.scored subscriber registered; the broker starts with the app."""
    context = worker_context(SERVICE, settings)
    metrics = ThumbnailMetrics(context.registry)
    ffmpeg = MeasuredRunner(runner or ffmpeg_runner(settings.ffmpeg_path), metrics.ffmpeg_seconds)
    repository = MongoThumbnailRepository(context.db)
    decoder = stills or (PyAvStillMaker() if settings.decodes_in_process else None)
    options = ThumbnailOptions(
        media_root=settings.media_root,
        long_side=settings.thumbnail_long_side,
        concurrency=settings.concurrency,
        timeout_sec=settings.ffmpeg_timeout_sec,
    )
    context.broker.publisher(
        settings.topic(THUMBNAILS_DONE),
        description="Every clip of the batch with its thumbnail path (or the reason it has none).",
        schema=ThumbnailsDone,
    )
    context.broker.publisher(
        settings.topic(BATCH_FAILED),
        description="No thumbnail could be made: the video is missing or unreadable.",
        schema=BatchFailed,
    )

    @context.subscriber(
        settings.topic(CLIPS_SCORED),
        description="Scored clips: make a thumbnail of each clip's middle frame.",
        stage=Stage.THUMBNAILS,
    )
    async def on_clips_scored(event: ClipsScored) -> None:
        with metrics.batch_seconds.time():
            await handle_clips_scored(
                event,
                repository=repository,
                runner=ffmpeg,
                publish=context.publish,
                options=options,
                stills=decoder,
            )

    return context


def build_app(settings: ThumbnailSettings | None = None) -> AsgiFastStream:
    """The ASGI app served by `python -m viralclip_thumbnail`."""
    return worker_app(build_worker(settings or ThumbnailSettings.load()))
