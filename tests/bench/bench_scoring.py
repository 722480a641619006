"""Scoring strategies on the bundled podcast's first 60 minutes, every preset: what each one sends and gets.

    .venv/bin/python tests/bench/bench_scoring.py [--minutes 60] [--chunk-sec 720]

For each clip-length preset the windows are planned by the windowing service's own `plan_windows`, then
scored in-process by the scoring service's `BatchScorer` through the real openai SDK against the Responses
double (answering at once): chunked (what `auto` picks), per-window and global. Per strategy: LLM calls,
prompt characters (instructions + input of every call) ÷ transcript characters, clips per hour and their
spread, and the LLM-bound of the critical path under the latency model 1 s + 15 ms per output token
(each call's output tokens as the double reports them, scheduled in call order on 16 slots, the
benchmark's concurrency, and on 4, the deployment default). The end-to-end critical path under that
model is measured by `bench_pipeline.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from viralclip_contracts import Clip, ClipBatchConfig, ClipLengthPreset, ScoringStrategy, Video, WindowsReady
from viralclip_localstack.sample.bundled import sample_video
from viralclip_scoring.batch_scoring import BatchScorer, Exchange
from viralclip_scoring.chunks import DEFAULT_CHUNK_SEC
from viralclip_scoring.openai_provider import OpenAIProvider, make_openai_client
from viralclip_scoring.prompt import VideoBrief
from viralclip_testkit.responses_double import ResponsesDouble
from viralclip_windowing.windows import plan_windows

BASE_LATENCY_SEC = 1.0
PER_TOKEN_SEC = 0.015
CONCURRENCY = 16
DEFAULT_CONCURRENCY = 4
STRATEGIES = (ScoringStrategy.CHUNKED, ScoringStrategy.PER_WINDOW, ScoringStrategy.GLOBAL)
MAX_PROMPT_RATIO = 1.3
MAX_CALLS_PER_HOUR = 8
CLIP_RATE_TOLERANCE = 0.2
SPEECH_MINUTES_PER_CLIP = 6.0


@dataclass(frozen=True)
class StrategyFigures:
    preset: ClipLengthPreset
    strategy: ScoringStrategy
    calls: int
    prompt_ratio: float
    clips: tuple[Clip, ...]
    llm_bound_sec: float
    llm_bound_default_sec: float
    hours: float
    speech_min: float

    @property
    def calls_per_hour(self) -> float:
        return self.calls / self.hours

    @property
    def clips_per_hour(self) -> float:
        return len(self.clips) / self.hours


def modelled_latency_sec(output_tokens: int) -> float:
    """The double's latency model used throughout the benchmarks."""
    return BASE_LATENCY_SEC + PER_TOKEN_SEC * output_tokens


def makespan_sec(latencies: Sequence[float], slots: int) -> float:
    """When the last call ends if calls start in order, each as soon as one of `slots` is free."""
    free = [0.0] * min(slots, max(1, len(latencies)))
    end = 0.0
    for latency in latencies:
        start = heapq.heappop(free)
        heapq.heappush(free, start + latency)
        end = max(end, start + latency)
    return end


def spread(clips: Sequence[Clip], duration_sec: float, slice_sec: float = 600.0) -> str:
    """Clips per 10-minute slice (min–max) and the longest stretch without a clip."""
    if not clips:
        return "no clips"
    slices = [0] * max(1, round(duration_sec / slice_sec))
    for clip in clips:
        slices[min(len(slices) - 1, int(clip.start_time_sec // slice_sec))] += 1
    gaps, reach = [], 0.0
    for start, end in sorted((c.start_time_sec, c.end_time_sec) for c in clips):
        gaps.append(start - reach)
        reach = max(reach, end)
    gaps.append(duration_sec - reach)
    return f"{min(slices)}–{max(slices)} per 10 min, longest gap {max(gaps) / 60:.1f} min"


def speech_minutes(video: Video) -> float:
    """Minutes with someone speaking (the union of the transcript segments)."""
    total, reach = 0.0, 0.0
    for segment in sorted(video.transcript, key=lambda s: s.start_sec):
        start = max(segment.start_sec, reach)
        if segment.end_sec > start:
            total += segment.end_sec - start
            reach = segment.end_sec
    return total / 60


class _Store:
    def __init__(self) -> None:
        self.exchanges: dict[str, Exchange] = {}

    async def find_exchange(self, exchange_id: str) -> Exchange | None:
        return self.exchanges.get(exchange_id)

    async def save_exchange(self, exchange: Exchange) -> Exchange:
        return self.exchanges.setdefault(exchange.exchange_id, exchange)


async def score_preset(
    base_url: str, video: Video, preset: ClipLengthPreset, strategy: ScoringStrategy, chunk_sec: float
) -> StrategyFigures:
    config = ClipBatchConfig(video_type="podcast", clip_length_preset=preset, scoring_strategy=strategy)
    windows = plan_windows(video, config).windows
    event = WindowsReady(
        batch_id=f"b-bench-{uuid.uuid4().hex[:8]}",
        video_id=video.video_id,
        job_id="j-bench",
        producer="bench",
        config=config,
        language="en",
        windows=windows,
    )
    store = _Store()
    client = make_openai_client(api_key="bench-key", base_url=base_url, timeout_sec=120.0)
    scorer = BatchScorer(
        OpenAIProvider(client, timeout_sec=120.0), store, concurrency=CONCURRENCY, chunk_sec=chunk_sec
    )
    try:
        outcome = await scorer.score(event, VideoBrief(video.title, video.summary), video.duration_sec)
    finally:
        await client.close()
    if outcome.failure:
        raise RuntimeError(f"{preset.value} {strategy.value}: {outcome.failure}")
    exchanges = list(store.exchanges.values())
    sent = sum(len(e.prompt.instructions) + len(e.prompt.input) for e in exchanges)
    transcript = sum(len(segment.text) for segment in video.transcript)
    latencies = [modelled_latency_sec(e.usage.output_tokens if e.usage else 0) for e in exchanges]
    return StrategyFigures(
        preset=preset,
        strategy=strategy,
        calls=len(exchanges),
        prompt_ratio=sent / transcript,
        clips=outcome.clips,
        llm_bound_sec=makespan_sec(latencies, CONCURRENCY),
        llm_bound_default_sec=makespan_sec(latencies, DEFAULT_CONCURRENCY),
        hours=video.duration_sec / 3600,
        speech_min=speech_minutes(video),
    )


async def bench(minutes: int, chunk_sec: float) -> list[StrategyFigures]:
    video = sample_video(minutes * 60.0, video_id="v-bench", media_path="videos/bench.mp4")
    with ResponsesDouble() as double:
        return [
            await score_preset(double.base_url, video, preset, strategy, chunk_sec)
            for preset in ClipLengthPreset
            for strategy in STRATEGIES
        ]


def verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def report(figures: Sequence[StrategyFigures], duration_sec: float) -> list[str]:
    """The table of every preset and strategy, then each target of the chunked strategy."""
    lines = [
        f"{'preset':<7} {'strategy':<10} {'calls':>5} {'prompt/transcript':>17} {'clips/h':>7} "
        f"{'LLM bound @16':>13} {'@4':>6}  spread",
    ]
    for f in figures:
        lines.append(
            f"{f.preset.value:<7} {f.strategy.value:<10} {f.calls:>5} {f.prompt_ratio:>17.3f} "
            f"{f.clips_per_hour:>7.1f} {f.llm_bound_sec:>12.1f}s {f.llm_bound_default_sec:>5.1f}s  "
            f"{spread(f.clips, duration_sec)}"
        )
    by_key = {(f.preset, f.strategy): f for f in figures}
    lines.append("")
    lines.append("targets (chunked strategy):")
    for preset in ClipLengthPreset:
        chunked = by_key[(preset, ScoringStrategy.CHUNKED)]
        per_window = by_key[(preset, ScoringStrategy.PER_WINDOW)]
        relative = chunked.clips_per_hour / per_window.clips_per_hour - 1
        needed = chunked.speech_min / SPEECH_MINUTES_PER_CLIP
        rows = [
            (
                "prompt ÷ transcript ≤ 1.3",
                f"{chunked.prompt_ratio:.3f}",
                chunked.prompt_ratio <= MAX_PROMPT_RATIO,
            ),
            (
                "≤ 8 calls per hour of video",
                f"{chunked.calls_per_hour:.1f}",
                chunked.calls_per_hour <= MAX_CALLS_PER_HOUR,
            ),
            (
                "clips/h within 20% of per-window's",
                f"{chunked.clips_per_hour:.1f} vs {per_window.clips_per_hour:.1f} ({relative:+.0%})",
                abs(relative) <= CLIP_RATE_TOLERANCE,
            ),
            (
                "≥ 1 clip per 6 min of speech",
                f"{len(chunked.clips)} clips for {chunked.speech_min:.0f} min (≥ {needed:.1f})",
                len(chunked.clips) >= needed,
            ),
        ]
        for name, value, ok in rows:
            lines.append(f"  {preset.value:<7} {name:<36} {value:<32} {verdict(ok)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--chunk-sec", type=float, default=DEFAULT_CHUNK_SEC)
    arguments = parser.parse_args()
    figures = asyncio.run(bench(arguments.minutes, arguments.chunk_sec))
    print(
        f"scoring strategies: bundled podcast, first {arguments.minutes} min, chunk span "
        f"{arguments.chunk_sec:.0f} s, LLM bound = 1 s + 15 ms/output token on {CONCURRENCY} slots"
    )
    for line in report(figures, arguments.minutes * 60.0):
        print(line)


if __name__ == "__main__":
    main()
