"""The render service's own Prometheus metrics, and a runner that times every ffmpeg run."""

import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram

from viralclip_media import FfmpegResult, FfmpegRunner, ProgressCallback

_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600)


class RenderMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.ffmpeg_seconds = Histogram(
            "viralclip_ffmpeg_run_seconds",
            "Time of one ffmpeg run (a probe, the face pass's sampling, a render).",
            buckets=_BUCKETS,
            registry=registry,
        )
        self.export_seconds = Histogram(
            "viralclip_render_export_seconds",
            "Time to answer one export request (rendered or reused).",
            buckets=_BUCKETS,
            registry=registry,
        )
        self.exports = Counter(
            "viralclip_render_exports",
            "Export requests answered, by outcome (exported, failed).",
            ["outcome"],
            registry=registry,
        )


class MeasuredRunner(FfmpegRunner):
    """An ffmpeg runner that records how long each run took."""

    def __init__(self, inner: FfmpegRunner, histogram: Histogram) -> None:
        self.inner = inner
        self.histogram = histogram

    async def run(
        self,
        args: Sequence[str],
        *,
        timeout_sec: float,
        capture_stdout: bool = False,
        on_progress: ProgressCallback | None = None,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> FfmpegResult:
        started = time.perf_counter()
        try:
            return await self.inner.run(
                args,
                timeout_sec=timeout_sec,
                capture_stdout=capture_stdout,
                on_progress=on_progress,
                cwd=cwd,
                env=env,
            )
        finally:
            self.histogram.observe(time.perf_counter() - started)
