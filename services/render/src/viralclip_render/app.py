"""Composition root of the render service: settings → clients → ports → the clip.export_requested
subscriber, publishing clip.exported / clip.export_failed."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from viralclip_contracts import (
    CLIP_EXPORT_FAILED,
    CLIP_EXPORT_REQUESTED,
    CLIP_EXPORTED,
    EXPORT_TOPICS,
    ClipExported,
    ClipExportFailed,
    ClipExportRequested,
    Event,
)
from viralclip_media import FfmpegRunner, ffmpeg_runner, ffprobe_runner
from viralclip_runtime import (
    WorkerContext,
    ensure_topics,
    worker_app,
    worker_context,
)

from .faces import FaceScan
from .handlers import handle_export_requested, unexpected_failure
from .metrics import MeasuredRunner, RenderMetrics
from .render import RenderOptions
from .repository import MongoRenderRepository
from .settings import RenderServiceSettings

SERVICE = "render"


def build_worker(
    settings: RenderServiceSettings,
    *,
    runner: FfmpegRunner | None = None,
    ffprobe: FfmpegRunner | None = None,
) -> WorkerContext:
    """The worker with its clip.export_requested subscriber registered; the broker starts with the app."""
    context = worker_context(SERVICE, settings)
    metrics = RenderMetrics(context.registry)
    ffmpeg = MeasuredRunner(runner or ffmpeg_runner(settings.ffmpeg_path), metrics.ffmpeg_seconds)
    repository = MongoRenderRepository(context.db)
    options = RenderOptions(
        media_root=settings.media_root,
        timeout_sec=settings.render_timeout_sec,
        probe_timeout_sec=settings.ffmpeg_timeout_sec,
        encoder=settings.encoder,
        face_scan=FaceScan(fps=settings.render_face_sample_fps),
        ffprobe=ffprobe if runner is not None else ffprobe_runner(settings.ffprobe_path),
    )
    context.broker.publisher(
        settings.topic(CLIP_EXPORTED),
        description="The clip's MP4 is written under the media root: its path, size, duration and frame.",
        schema=ClipExported,
    )
    context.broker.publisher(
        settings.topic(CLIP_EXPORT_FAILED),
        description="The export could not be rendered; the message says why and what to do.",
        schema=ClipExportFailed,
    )

    async def publish(event: Event) -> None:
        await context.publish(event)
        metrics.exports.labels("exported" if isinstance(event, ClipExported) else "failed").inc()

    async def report(event: ClipExportRequested, error: Exception) -> None:
        await publish(unexpected_failure(event, error))

    @context.subscriber(
        settings.topic(CLIP_EXPORT_REQUESTED),
        description="A creator asked for a clip as an MP4: render it (or reuse the finished file).",
        report=report,
        workers=settings.render_concurrency,
    )
    async def on_export_requested(event: ClipExportRequested) -> None:
        with metrics.export_seconds.time():
            await handle_export_requested(
                event, repository=repository, runner=ffmpeg, publish=publish, options=options
            )

    return context


def build_app(settings: RenderServiceSettings | None = None) -> AsgiFastStream:
    """The ASGI app served by `python -m viralclip_render`."""
    config = settings or RenderServiceSettings.load()
    app = worker_app(build_worker(config))

    @app.on_startup
    async def create_export_topics() -> None:
        await ensure_topics(
            config.kafka_bootstrap_servers,
            partitions=config.topic_partitions,
            topics=tuple(config.topic(topic) for topic in EXPORT_TOPICS),
        )

    return app
