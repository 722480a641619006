"""Thumbnails per second on a 60-minute 720p H.264 video: in-process decoding, one ffmpeg per frame
with input seeking, and with output seeking.

    .venv/bin/python tests/bench/bench_thumbnails.py [--minutes 60] [--clips 48] [--runs 3]

The video (testsrc2 at 2 fps, 4 s GOP, ultrafast) is generated once and cached in the temp directory.
Every mode goes through the service's own code (`plan_thumbnails` → `make_thumbnails`, concurrency one
per core): `in-process` with the service's PyAV still maker (one open video per worker for the whole
batch), `input seeking` without it (one ffmpeg process per frame, `-ss` before `-i`, what the service
did before), `output seeking` the same with `-ss` behind `-i`, so ffmpeg decodes from the start of the
video up to the moment (on `--output-clips` frames only: it is slow).
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
from viralclip_media import (
    FfmpegResult,
    FfmpegRunner,
    PyAvStillMaker,
    StillMaker,
    SubprocessFfmpegRunner,
    probe_media,
)
from viralclip_testkit.media import cached_long_video, ffmpeg_executable
from viralclip_thumbnail.thumbnails import default_concurrency, make_thumbnails, plan_thumbnails

FPS = 2
GOP_SEC = 4
MIN_SPEED_UP = 4.0


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
                start_time_sec=max(0.0, middle - 15),
                end_time_sec=middle + 15,
                duration_sec=middle + 15 - max(0.0, middle - 15),
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
    runner: FfmpegRunner,
    video: Path,
    clips: Sequence[Clip],
    duration_sec: float,
    concurrency: int,
    stills: StillMaker | None = None,
) -> float:
    """Make every clip's thumbnail into a fresh directory; the rate over the wall-clock time."""
    with tempfile.TemporaryDirectory(prefix="viralclip-bench-") as scratch:
        plans = plan_thumbnails(Path(scratch), video, clips, AspectRatio.PORTRAIT, 640, duration_sec)
        started = time.perf_counter()
        outcomes = await make_thumbnails(
            runner, plans, concurrency=concurrency, timeout_sec=300, stills=stills
        )
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


async def bench(
    minutes: int, clips: int, output_clips: int, runs: int, concurrency: int, cache_dir: Path
) -> dict[str, float]:
    """Median thumbnails/s of each mode over `runs` alternating runs, and the ratios."""
    video = cached_video(minutes, cache_dir)
    direct = SubprocessFfmpegRunner(ffmpeg_executable())
    info = await probe_media(direct, video, timeout_sec=60)
    batch = spread_clips(clips, info.duration_sec)
    few = spread_clips(output_clips, info.duration_sec)
    stills = PyAvStillMaker()
    modes = {
        "in-process": (direct, batch, stills),
        "input seeking": (direct, batch, None),
        "output seeking": (OutputSeekingRunner(direct), few, None),
    }
    rates: dict[str, list[float]] = {name: [] for name in modes}
    await thumbnails_per_second(direct, video, batch[:1], info.duration_sec, 1)  # warm the page cache
    await thumbnails_per_second(direct, video, batch[:2], info.duration_sec, 1, stills)  # and imports
    for _ in range(runs):
        for name, (runner, chosen, maker) in modes.items():
            rates[name].append(
                await thumbnails_per_second(runner, video, chosen, info.duration_sec, concurrency, maker)
            )
    result = {name: statistics.median(values) for name, values in rates.items()}
    speed_up = result["in-process"] / result["input seeking"]
    print(
        f"video: {info.duration_sec / 60:.0f} min, {info.width}x{info.height} H.264, {FPS} fps; "
        f"{clips} thumbnails per run ({output_clips} with output seeking), concurrency {concurrency}, "
        f"{runs} runs (median)"
    )
    for name, values in rates.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:>14}: {statistics.median(values):8.2f} thumbnails/s  (runs: {shown})")
    verdict = "met" if speed_up >= MIN_SPEED_UP else "missed"
    print(f"  in-process ÷ input seeking: {speed_up:.1f}×  (target ≥ {MIN_SPEED_UP:.0f}×) {verdict}")
    print(f"  input seeking ÷ output seeking: {result['input seeking'] / result['output seeking']:.0f}×")
    return {**result, "speed_up": speed_up}


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    """Run the benchmark from the command line; returns the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--minutes", type=int, default=60, help="length of the video")
    parser.add_argument("--clips", type=int, default=48, help="thumbnails per run")
    parser.add_argument("--output-clips", type=int, default=2, help="thumbnails per output-seeking run")
    parser.add_argument("--runs", type=int, default=3, help="runs per mode; the median is reported")
    parser.add_argument("--concurrency", type=int, default=default_concurrency())
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "viralclip-bench")
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached video")
    options = parser.parse_args(argv)
    if options.fresh:
        shutil.rmtree(options.cache_dir, ignore_errors=True)
    return asyncio.run(
        bench(
            options.minutes,
            options.clips,
            options.output_clips,
            options.runs,
            options.concurrency,
            options.cache_dir,
        )
    )


if __name__ == "__main__":
    main()
