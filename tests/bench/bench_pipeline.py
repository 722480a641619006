"""Pipeline benchmarks on the whole system (services as processes, embedded broker and database):

1. critical path — a 60-minute podcast, the Responses double answering after 1 s + 15 ms per output
   token, scoring concurrency 16: POST → ready against its bound, the LLM calls of the batch scheduled
   on the 16 slots with the latencies the double applied (their makespan) + the thumbnail stage. Every
   preset with the deployment's strategy (`auto`, i.e. chunked), then per-window and global at 30–60 s;
2. overhead — the double answering at once: what the system spends on its own;
3. throughput — 10 batches at once (double at a fixed 400 ms), batches per minute and the ratio to one
   batch alone; then with two scoring replicas;
   with the CPU seconds each process (services, broker, database) spent per batch while ten ran, and
   while the system sat idle for 5 s (the consumers' polling);
6. memory — peak resident memory (VmHWM) of each service after (1).

    .venv/bin/python tests/bench/bench_pipeline.py [--runs 3] [--minutes 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench_scoring import BASE_LATENCY_SEC, PER_TOKEN_SEC, makespan_sec

from viralclip_contracts import CLIPS_SCORED, THUMBNAILS_DONE, WINDOWS_READY, ClipLengthPreset
from viralclip_localstack.client import ViralclipClient
from viralclip_localstack.sample.bundled import sample_video
from viralclip_testkit.kafka_probe import TopicProbe, topic_probe
from viralclip_testkit.media import cached_long_video
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.system import RunningSystem, running_system

LLM_LATENCY_SEC = 0.4
CONCURRENCY = 16
BATCH_CONFIG = {"video_type": "podcast", "aspect_ratio": "9:16", "clip_length_preset": "30-60s"}
TOKEN_LATENCY = Behaviour(latency_sec=BASE_LATENCY_SEC, latency_per_output_token_sec=PER_TOKEN_SEC)
MAX_CRITICAL_RATIO = 1.25


@dataclass
class BatchTiming:
    e2e_sec: float
    windows: int
    clips: int
    thumbnail_sec: float
    llm_bound_sec: float = 0.0
    calls: int = 0

    @property
    def bound_sec(self) -> float:
        return self.llm_bound_sec + self.thumbnail_sec


async def run_batch(
    client: ViralclipClient,
    probe: TopicProbe,
    video_id: str,
    double: ResponsesDouble | None = None,
    **config: str,
) -> BatchTiming:
    """One batch alone, POST → ready; with `double`, the makespan of the LLM calls it made."""
    if double is not None:
        double.script(Script(default=TOKEN_LATENCY), reset_calls=True)
    started = time.perf_counter()
    batch = await client.create_batch(video_id, **{**BATCH_CONFIG, **config})
    done = await client.wait_until_done(batch["batch_id"], timeout=600)
    e2e = time.perf_counter() - started
    if done["status"] != "ready":
        raise RuntimeError(f"batch ended {done['status']}: {done.get('error_message')}")
    batch_id = batch["batch_id"]
    windows = (await probe.wait_for(WINDOWS_READY, batch_id=batch_id))[0]
    scored = (await probe.wait_for(CLIPS_SCORED, batch_id=batch_id))[0]
    thumbs = (await probe.wait_for(THUMBNAILS_DONE, batch_id=batch_id))[0]
    thumbnail_sec = (thumbs.occurred_at - scored.occurred_at).total_seconds()
    calls = double.calls if double is not None else []
    return BatchTiming(
        e2e_sec=e2e,
        windows=len(windows.windows),
        clips=len(scored.clips),
        thumbnail_sec=thumbnail_sec,
        llm_bound_sec=makespan_sec([call.latency_sec for call in calls], CONCURRENCY),
        calls=len(calls),
    )


def critical_rows(label: str, timing: BatchTiming) -> list[tuple[str, str, str]]:
    ratio = timing.e2e_sec / timing.bound_sec
    verdict = "met" if ratio <= MAX_CRITICAL_RATIO else "missed"
    return [
        (
            f"critical path {label}: calls, clips",
            f"{timing.calls} calls, {timing.clips} clips",
            "-",
        ),
        (
            f"critical path {label}: POST → ready / bound",
            f"{timing.e2e_sec:.1f} s / {timing.bound_sec:.1f} s "
            f"(LLM {timing.llm_bound_sec:.1f} + thumbnails {timing.thumbnail_sec:.2f})",
            "-",
        ),
        (f"critical path {label}: ratio e2e / bound", f"{ratio:.2f}", f"≤ 1.25 {verdict}"),
    ]


async def run_many(client: ViralclipClient, video_id: str, count: int) -> float:
    """Submit `count` batches at once; seconds until all are ready. Each is followed on its event stream,
    as the review page does: polling ten batches ten times a second costs batch-api and the database
    ~0.8 CPU-s per batch (measured), which would be the client's load counted as the system's."""
    started = time.perf_counter()
    batches = await asyncio.gather(*(client.create_batch(video_id, **BATCH_CONFIG) for _ in range(count)))
    finals = await asyncio.gather(*(client.follow_until_done(b["batch_id"], timeout=600) for b in batches))
    failed = [f for f in finals if f["status"] != "ready"]
    if failed:
        raise RuntimeError(f"{len(failed)} of {count} batches failed: {failed[0].get('error_message')}")
    return time.perf_counter() - started


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_by_process() -> dict[str, float]:
    """CPU seconds (user + system) so far of every process this benchmark started, by name."""
    parents: dict[int, int] = {}
    usage: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        usage[pid] = (_process_name(command), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    ours: dict[str, float] = {}
    for pid, (name, seconds) in usage.items():
        ancestor = parents.get(pid)
        while ancestor is not None and ancestor > 1 and ancestor != os.getpid():
            ancestor = parents.get(ancestor)
        if ancestor == os.getpid():
            ours[name] = ours.get(name, 0.0) + seconds
    return ours


def _process_name(command: list[bytes]) -> str:
    """`viralclip_thumbnail` for `python -m viralclip_thumbnail`, the script's name for `python script`,
    else the executable's file name."""
    words = [word.decode(errors="replace") for word in command if word]
    if "-m" in words[:-1]:
        return words[words.index("-m") + 1]
    if len(words) > 1 and Path(words[0]).name.startswith("python"):  # a script: the database's launcher
        return Path(words[1]).name
    return Path(words[0]).name if words else "?"


def cpu_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds each process spent between two `cpu_by_process` readings."""
    return {name: after[name] - before.get(name, 0.0) for name in after}


def cpu_rows(label: str, spent: dict[str, float], per: int) -> list[tuple[str, str, str]]:
    """The total of `spent` and each process's share (those above 0.05 CPU-s), divided by `per`."""
    shown = sorted(((name, sec) for name, sec in spent.items() if sec >= 0.05), key=lambda item: -item[1])
    rows = [(f"CPU {label}: all processes", f"{sum(spent.values()) / per:.2f} CPU-s", "-")]
    return rows + [(f"CPU {label}: {name}", f"{sec / per:.2f} CPU-s", "-") for name, sec in shown]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def prepare(system: RunningSystem, minutes: int, media: Path) -> str:
    target = system.media_root / "videos" / "bench.mp4"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.link(media, target)  # a hard link: the media root must contain the file, not point out of it
    video = sample_video(minutes * 60.0, video_id="v-bench", media_path="videos/bench.mp4")
    async with ViralclipClient(system.api_url) as client:
        await client.register_video(video)
    return video.video_id


async def bench(runs: int, minutes: int, media: Path, workdir: Path) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    with ResponsesDouble(Script(default=TOKEN_LATENCY)) as double:
        env = {
            "VIRALCLIP_SCORING_PROVIDER": "openai",
            "OPENAI_API_KEY": "bench-key",
            "OPENAI_BASE_URL": double.base_url,
            "VIRALCLIP_OPENAI_TIMEOUT_SEC": "120",
            "VIRALCLIP_SCORING_CONCURRENCY": str(CONCURRENCY),
            "VIRALCLIP_LOG_LEVEL": "WARNING",
        }
        with running_system(workdir / "system", env=env) as system:
            video_id = await prepare(system, minutes, media)
            async with (
                ViralclipClient(system.api_url) as client,
                topic_probe(system.kafka_bootstrap, [WINDOWS_READY, CLIPS_SCORED, THUMBNAILS_DONE]) as probe,
            ):
                double.script(Script(default=Behaviour(latency_sec=0.0)))
                await run_batch(client, probe, video_id)  # warm-up: consumer groups, caches, imports
                for preset in ClipLengthPreset:
                    timing = await run_batch(client, probe, video_id, double, clip_length_preset=preset.value)
                    rows += critical_rows(f"{preset.value} auto", timing)
                for strategy in ("per_window", "global"):
                    timing = await run_batch(client, probe, video_id, double, scoring_strategy=strategy)
                    rows += critical_rows(f"30-60s {strategy}", timing)
                for name, child in system.fleet.children.items():
                    rows.append((f"memory: peak RSS {name}", f"{peak_rss_mb(child.pid):.0f} MB", "-"))

                double.script(Script(default=Behaviour(latency_sec=0.0)))
                instant = [await run_batch(client, probe, video_id) for _ in range(runs)]
                overhead = statistics.median(t.e2e_sec for t in instant)
                thumbnails = statistics.median(t.thumbnail_sec for t in instant)
                rows += [
                    ("overhead: POST → ready, LLM instant (median)", f"{overhead:.2f} s", "-"),
                    (
                        f"thumbnail stage, {minutes}-min batch ({instant[0].clips} clips, median)",
                        f"{thumbnails:.2f} s",
                        f"≤ 1.5 s {'met' if thumbnails <= 1.5 else 'missed'}",
                    ),
                ]

                double.script(Script(default=Behaviour(latency_sec=LLM_LATENCY_SEC)))
                alone = statistics.median([await run_many(client, video_id, 1) for _ in range(runs)])
                before = cpu_by_process()
                ten = await run_many(client, video_id, 10)
                spent_ten = cpu_by_process()
                await asyncio.sleep(5.0)  # the cost of sitting idle: every consumer's polling
                idle = cpu_by_process()
                ratio = alone * 10 / ten
                spent = cpu_spent(before, spent_ten)
                cpu_bound_floor_sec = sum(spent.values()) / (os.cpu_count() or 1)
                rows += [
                    ("throughput: 1 batch alone", f"{60 / alone:.1f} batches/min", "-"),
                    (
                        "throughput: 10 at once",
                        f"{600 / ten:.1f} batches/min ({ratio:.2f}× of alone)",
                        f"≥ 3× {'met' if ratio >= 3 else 'missed'}",
                    ),
                    *cpu_rows("per batch, 10 at once", spent, 10),
                    *cpu_rows("per second, idle", cpu_spent(spent_ten, idle), 5),
                    (
                        "throughput: ceiling on these cores (10 × alone ÷ CPU-s of ten ÷ cores)",
                        f"{alone * 10 / cpu_bound_floor_sec:.2f}×",
                        "-",
                    ),
                ]
                system.fleet.start("scoring", replica="-2", extra_env=env)
                system.fleet.wait_ready()
                await run_many(client, video_id, 2)  # let the group rebalance onto both replicas
                ten_two = await run_many(client, video_id, 10)
                rows.append(
                    (
                        "throughput: 10 at once, 2 scoring replicas",
                        f"{600 / ten_two:.1f} batches/min ({alone * 10 / ten_two:.2f}× of alone)",
                        "-",
                    )
                )
    return rows


def print_rows(rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'value':<44}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<44}  {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--minutes", type=int, default=60)
    arguments = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / "viralclip-bench"
    cache.mkdir(exist_ok=True)
    media = cached_long_video(arguments.minutes, cache)
    with tempfile.TemporaryDirectory(dir=cache) as workdir:
        rows = asyncio.run(bench(arguments.runs, arguments.minutes, media, Path(workdir)))
    print_rows(rows)


if __name__ == "__main__":
    main()
