"""The thumbnail service's own Prometheus metrics: time per ffmpeg run and per batch."""

import time
from collections.abc import Sequence
from typing import Any

from prometheus_client import CollectorRegistry, Histogram

from viralclip_media import FfmpegResult, FfmpegRunner

_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60)


class ThumbnailMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.ffmpeg_seconds = Histogram(
            "viralclip_ffmpeg_run_seconds",
            "Time of one ffmpeg run (a frame or a probe).",
            buckets=_BUCKETS,
            registry=registry,
        )
        self.batch_seconds = Histogram(
            "viralclip_thumbnail_batch_seconds",
            "Time to make every thumbnail of a batch.",
            buckets=_BUCKETS,
            registry=registry,
        )


class MeasuredRunner(FfmpegRunner):
    """An ffmpeg runner that records how long each run took."""

    def __init__(self, inner: FfmpegRunner, histogram: Histogram) -> None:
        self.inner = inner
        self.histogram = histogram

    async def run(self, args: Sequence[str], *, timeout_sec: float, **options: Any) -> FfmpegResult:
        started = time.perf_counter()
        try:
            return await self.inner.run(args, timeout_sec=timeout_sec, **options)
        finally:
            self.histogram.observe(time.perf_counter() - started)
