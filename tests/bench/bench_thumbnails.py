"""Thumbnails per second on a 60-minute 720p H.264 video: input seeking against output seeking.

    .venv/bin/python tests/bench/bench_thumbnails.py [--minutes 60] [--clips 4] [--runs 3]

The video (testsrc2 at 2 fps, 4 s GOP, ultrafast) is generated once and cached in the temp directory.
Both modes go through the service's own code (`plan_thumbnails` → `make_thumbnails`, concurrency one
per core); output seeking only moves `-ss` behind `-i` in the same ffmpeg command, so ffmpeg decodes
from the start of the video up to the moment instead of from the keyframe before it.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from viralclip_contracts import AspectRatio, Clip, Grade
from viralclip_media import FfmpegResult, FfmpegRunner, SubprocessFfmpegRunner, probe_media
from viralclip_testkit.media import cached_long_video, ffmpeg_executable
from viralclip_thumbnail.thumbnails import default_concurrency, make_thumbnails, plan_thumbnails

FPS = 2
GOP_SEC = 4


def to_output_seeking(args: Sequence[str]) -> list[str]:
    """The same ffmpeg arguments with `-ss <t>` moved from before `-i <src>` to after it."""
    at = list(args).index("-ss")
    moment = args[at + 1]
    rest = [*args[:at], *args[at + 2 :]]
    source = rest.index("-i")
    return [*rest[: source + 2], "-ss", moment, *rest[source + 2 :]]


class OutputSeekingRunner(FfmpegRunner):
    """Runs every command with output seeking: the slow way the service avoids."""

    def __init__(self, inner: FfmpegRunner) -> None:
        self.inner = inner

    async def run(self, args: Sequence[str], *, timeout_sec: float, **options: Any) -> FfmpegResult:
        return await self.inner.run(to_output_seeking(args), timeout_sec=timeout_sec, **options)


def spread_clips(count: int, duration_sec: float) -> list[Clip]:
    """`count` 30-second clips whose midpoints are spread evenly over the video."""
    clips = []
    for index in range(count):
        middle = (index + 0.5) * duration_sec / count
        clips.append(
            Clip(
                clip_id=f"c-{index}",
                clip_batch_id="bench",
                video_id="v-bench",
                start_time_sec=middle - 15,
                end_time_sec=middle + 15,
                duration_sec=30,
                title=f"Clip {index}",
                description="Benchmark clip.",
                viral_score=5,
                grade_hook=Grade.B,
                grade_flow=Grade.B,
                grade_value=Grade.B,
                grade_trend=Grade.B,
                language="en",
                rank=index + 1,
            )
        )
    return clips


async def thumbnails_per_second(
    runner: FfmpegRunner, video: Path, clips: Sequence[Clip], duration_sec: float, concurrency: int
) -> float:
    """Make every clip's thumbnail into a fresh directory; the rate over the wall-clock time."""
    with tempfile.TemporaryDirectory(prefix="viralclip-bench-") as scratch:
        plans = plan_thumbnails(Path(scratch), video, clips, AspectRatio.PORTRAIT, 640, duration_sec)
        started = time.perf_counter()
        outcomes = await make_thumbnails(runner, plans, concurrency=concurrency, timeout_sec=300)
        elapsed = time.perf_counter() - started
    failures = [o.error for o in outcomes if o.error is not None]
    if failures:
        raise RuntimeError(f"{len(failures)} thumbnails failed, first: {failures[0]}")
    return len(outcomes) / elapsed


def cached_video(minutes: int, cache_dir: Path) -> Path:
    """The benchmark video, generated on first use."""
    started = time.perf_counter()
    path = cached_long_video(minutes, cache_dir, fps=FPS, gop_sec=GOP_SEC)
    if time.perf_counter() - started > 1:
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    return path


async def bench(minutes: int, clips: int, runs: int, concurrency: int, cache_dir: Path) -> dict[str, float]:
    """Median thumbnails/s of each seeking mode over `runs` alternating runs, and their ratio."""
    video = cached_video(minutes, cache_dir)
    direct = SubprocessFfmpegRunner(ffmpeg_executable())
    info = await probe_media(direct, video, timeout_sec=60)
    batch = spread_clips(clips, info.duration_sec)
    modes: dict[str, FfmpegRunner] = {"input": direct, "output": OutputSeekingRunner(direct)}
    rates: dict[str, list[float]] = {name: [] for name in modes}
    await thumbnails_per_second(direct, video, batch[:1], info.duration_sec, 1)  # warm the page cache
    for _ in range(runs):
        for name, runner in modes.items():
            rates[name].append(
                await thumbnails_per_second(runner, video, batch, info.duration_sec, concurrency)
            )
    result = {f"{name}_seeking_per_sec": statistics.median(values) for name, values in rates.items()}
    result["ratio"] = result["input_seeking_per_sec"] / result["output_seeking_per_sec"]
    print(
        f"video: {info.duration_sec / 60:.0f} min, {info.width}x{info.height} H.264, {FPS} fps; "
        f"{clips} thumbnails per run, concurrency {concurrency}, {runs} runs (median)"
    )
    for name, values in rates.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:>6} seeking: {statistics.median(values):8.2f} thumbnails/s  (runs: {shown})")
    print(f"  input seeking is {result['ratio']:.0f}x faster")
    return result


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    """Run the benchmark from the command line; returns the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--minutes", type=int, default=60, help="length of the video")
    parser.add_argument("--clips", type=int, default=4, help="thumbnails per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per mode; the median is reported")
    parser.add_argument("--concurrency", type=int, default=default_concurrency())
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "viralclip-bench")
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached video")
    options = parser.parse_args(argv)
    if options.fresh:
        shutil.rmtree(options.cache_dir, ignore_errors=True)
    return asyncio.run(
        bench(options.minutes, options.clips, options.runs, options.concurrency, options.cache_dir)
    )


if __name__ == "__main__":
    main()
