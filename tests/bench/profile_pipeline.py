"""Where the time above the critical-path bound goes: py-spy samples every service during one batch.

    .venv/bin/python tests/bench/profile_pipeline.py [--minutes 60] [--preset 30-60s] [--top 6]

The system of `bench_pipeline.py` (services as processes, the Responses double at 1 s + 15 ms per output
token) clips the bundled podcast once as a warm-up, then once under `py-spy record` attached to each
service (100 samples/s, idle threads not sampled, so a sample is CPU time of that service). Prints, per
service, the CPU seconds sampled (frames waiting in `select` or a condition are counted apart) and the
functions with the most samples of their own, and the batch's POST → ready against its bound. Needs
ptrace rights over the services (root, or ptrace_scope 0).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import signal
import sys
import tempfile
from pathlib import Path

from bench_pipeline import BATCH_CONFIG, prepare, run_batch

from viralclip_contracts import CLIPS_SCORED, THUMBNAILS_DONE, WINDOWS_READY
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.kafka_probe import topic_probe
from viralclip_testkit.media import cached_long_video
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.system import running_system

RATE = 100
WAITING = ("EpollSelector.select", "Condition.wait", "Event.wait")
"""Leaf frames that are a thread waiting in a system call (py-spy's idle check misses some): not CPU."""


def py_spy() -> str:
    return str(Path(sys.executable).with_name("py-spy"))


def summarise(raw: Path, top: int) -> tuple[float, float, list[tuple[str, float]]]:
    """CPU and waiting seconds sampled, and the `top` frames by own CPU samples, from py-spy's
    collapsed stacks."""
    own: collections.Counter[str] = collections.Counter()
    waiting = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        leaf = stack.split(";")[-1].strip()
        if leaf.startswith(WAITING):
            waiting += int(count)
        else:
            own[leaf] += int(count)
    cpu = sum(own.values())
    return cpu / RATE, waiting / RATE, [(frame, samples / RATE) for frame, samples in own.most_common(top)]


async def profile(minutes: int, preset: str, top: int, media: Path, workdir: Path) -> None:
    behaviour = Behaviour(latency_sec=1.0, latency_per_output_token_sec=0.015)
    with ResponsesDouble(Script(default=Behaviour())) as double:
        env = {
            "VIRALCLIP_SCORING_PROVIDER": "openai",
            "OPENAI_API_KEY": "bench-key",
            "OPENAI_BASE_URL": double.base_url,
            "VIRALCLIP_OPENAI_TIMEOUT_SEC": "120",
            "VIRALCLIP_SCORING_CONCURRENCY": "16",
            "VIRALCLIP_LOG_LEVEL": "WARNING",
        }
        with running_system(workdir / "system", env=env) as system:
            video_id = await prepare(system, minutes, media)
            async with (
                ViralclipClient(system.api_url) as client,
                topic_probe(system.kafka_bootstrap, [WINDOWS_READY, CLIPS_SCORED, THUMBNAILS_DONE]) as probe,
            ):
                await run_batch(client, probe, video_id)  # warm-up
                double.script(Script(default=behaviour))
                recorders = {
                    name: await asyncio.create_subprocess_exec(
                        *(py_spy(), "record", "--pid", str(child.pid), "--rate", str(RATE)),
                        *("--format", "raw", "--output", str(workdir / f"{name}.txt"), "--nonblocking"),
                        stdout=asyncio.subprocess.DEVNULL,
                        stderr=asyncio.subprocess.DEVNULL,
                    )
                    for name, child in system.fleet.children.items()
                }
                try:
                    timing = await run_batch(client, probe, video_id, double, clip_length_preset=preset)
                finally:
                    for recorder in recorders.values():
                        recorder.send_signal(signal.SIGINT)
                    for recorder in recorders.values():
                        await asyncio.wait_for(recorder.wait(), timeout=30)
    print(
        f"one {minutes}-min batch, preset {preset} ({BATCH_CONFIG['video_type']}), auto strategy: "
        f"POST → ready {timing.e2e_sec:.1f} s, bound {timing.bound_sec:.1f} s "
        f"(LLM {timing.llm_bound_sec:.1f} + thumbnails {timing.thumbnail_sec:.2f}), "
        f"{timing.calls} calls, {timing.clips} clips"
    )
    for name in recorders:
        raw = workdir / f"{name}.txt"
        if not raw.exists():
            print(f"  {name}: no samples (py-spy could not attach?)")
            continue
        cpu, waiting, frames = summarise(raw, top)
        print(f"  {name}: {cpu:.2f} s CPU sampled ({waiting:.2f} s more waiting in select/wait)")
        for frame, seconds in frames:
            print(f"      {seconds:6.2f} s  {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--preset", default="30-60s")
    parser.add_argument("--top", type=int, default=6)
    arguments = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / "viralclip-bench"
    cache.mkdir(exist_ok=True)
    media = cached_long_video(arguments.minutes, cache)
    with tempfile.TemporaryDirectory(dir=cache) as workdir:
        asyncio.run(profile(arguments.minutes, arguments.preset, arguments.top, media, Path(workdir)))


if __name__ == "__main__":
    main()
