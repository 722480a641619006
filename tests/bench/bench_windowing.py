"""Windowing time for synthetic 1-hour and 10-hour podcast transcripts, and their ratio (linear ≈ 10).

    .venv/bin/python tests/bench/bench_windowing.py [--runs 7]

Each transcript has two speakers taking turns, sentences of 2–7 s, short pauses and a camera cut at
every turn. Only `plan_windows` is timed (the Video is built beforehand), as the median of several
runs. The `capped` rows use the service's defaults (≤ 200 windows, ≤ 600 kB event); the `uncapped`
rows lift the cap, so every window of the full-overlap layout is built and the ratio shows the
scaling of the whole algorithm. A last table shows the `windows.ready` event's size and the speech
coverage when the segments carry words (estimated, or measured as ASR gives them).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from viralclip_contracts import ClipBatchConfig, SceneSegment, TranscriptSegment, Video, WindowsReady
from viralclip_transcripts import with_words
from viralclip_windowing.rules import DEFAULT_RULES, WindowingRules
from viralclip_windowing.windows import WindowPlan, plan_windows

UNCAPPED = WindowingRules(max_windows=10**7, max_payload_bytes=10**12)
WORDS = ("we", "went", "to", "the", "moon", "because", "it", "is", "closest", "place", "learn", "how", "live")


def synthetic_podcast(hours: float, *, scenes: bool = True, seed: int = 7) -> Video:
    """A podcast of `hours` hours: turns of 15–90 s, sentences of 2–7 s, a scene cut at each turn."""
    rng = random.Random(seed)
    end = hours * 3600
    segments: list[TranscriptSegment] = []
    cuts: list[SceneSegment] = []
    t, speaker = 0.0, 0
    while t < end - 100:
        turn_start, turn_end = t, t + rng.uniform(15, 90)
        while t < turn_end:
            length = rng.uniform(2, 7)
            words = " ".join(rng.choice(WORDS) for _ in range(int(length * 2.6)))
            segments.append(
                TranscriptSegment(
                    start_sec=t, end_sec=t + length, text=words.capitalize() + ".", speaker=f"S{speaker}"
                )
            )
            t += length + (rng.uniform(0.8, 2.5) if rng.random() < 0.15 else rng.uniform(0.05, 0.3))
        cuts.append(SceneSegment(scene_id=f"s{len(cuts):05d}", start_sec=turn_start, end_sec=t))
        speaker = 1 - speaker
    return Video(
        video_id=f"v-bench-{hours:g}h",
        title="Benchmark podcast",
        media_path="videos/bench.mp4",
        duration_sec=end,
        transcript=tuple(segments),
        scenes=tuple(cuts) if scenes else (),
    )


def median_ms(video: Video, rules: WindowingRules, runs: int) -> tuple[float, WindowPlan]:
    """Median wall time of `plan_windows` over `runs` runs, and the plan."""
    config = ClipBatchConfig()
    plan = plan_windows(video, config, rules)  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        plan = plan_windows(video, config, rules)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), plan


def main() -> None:
    """Print a table of windowing times for 1 h and 10 h, with and without scenes and cap."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (median reported)")
    args = parser.parse_args()
    videos = {hours: synthetic_podcast(hours) for hours in (1, 10)}
    print(f"windowing benchmark (median of {args.runs} runs, preset auto 30–90 s)")
    print(f"{'case':<28}{'segments':>10}{'windows':>9}{'overlap':>9}{'median':>11}")
    for label, scenes, rules in (
        ("given scenes, capped", True, DEFAULT_RULES),
        ("derived scenes, capped", False, DEFAULT_RULES),
        ("given scenes, uncapped", True, UNCAPPED),
    ):
        medians = []
        for hours, video in videos.items():
            subject = video if scenes else video.model_copy(update={"scenes": ()})
            elapsed, plan = median_ms(subject, rules, args.runs)
            medians.append(elapsed)
            print(
                f"{f'{hours:>2} h, {label}':<28}{len(video.transcript):>10}{len(plan.windows):>9}"
                f"{plan.overlap.value:>9}{elapsed:>9.1f} ms"
            )
        print(
            f"    ratio 10 h / 1 h = {medians[1] / medians[0]:.1f}"
            "  (linear ≈ 10; target: 10 h well under 1 s)"
        )


def with_words_as_registered(video: Video, *, measured: bool) -> Video:
    """`video` as registration stores it: every segment with words (estimated, or marked measured as an
    ASR transcript's would be)."""
    segments = []
    for segment in video.transcript:
        words = with_words(segment).words
        if measured:
            words = tuple(w.model_copy(update={"estimated": False, "confidence": 0.93}) for w in words)
        segments.append(segment.model_copy(update={"words": words}))
    return video.model_copy(update={"transcript": tuple(segments)})


def event_bytes(plan: WindowPlan, config: ClipBatchConfig) -> int:
    """Bytes of the `windows.ready` event of `plan`, serialised as the runtime publishes it."""
    event = WindowsReady(
        batch_id="b-0123456789abcdef",
        video_id="v-bench",
        job_id="j-0123456789abcdef",
        producer="windowing",
        config=config,
        language="en",
        windows=plan.windows,
    )
    return len(json.dumps(event.model_dump(mode="json")).encode())


def words_table() -> None:
    """The windows.ready event and the speech coverage with words, for 1 h and 4 h on `auto`."""
    print("\nwords in windows.ready (auto preset; cap 200 windows, 600 kB)")
    print(f"{'case':<30}{'windows':>8}{'overlap':>9}{'coverage':>10}{'event':>10}{'measured':>10}")
    config = ClipBatchConfig()
    for hours in (1, 4):
        base = synthetic_podcast(hours)
        for label, video in (
            ("text only (no words)", base),
            ("estimated words", with_words_as_registered(base, measured=False)),
            ("measured words (ASR)", with_words_as_registered(base, measured=True)),
        ):
            plan = plan_windows(video, config)
            print(
                f"{f'{hours} h, {label}':<30}{len(plan.windows):>8}{plan.overlap.value:>9}"
                f"{plan.speech_coverage:>10.2f}{event_bytes(plan, config) / 1000:>7.0f} kB"
                f"{'sent' if plan.measured_words else '-':>10}"
            )


if __name__ == "__main__":
    main()
    words_table()
