"""A batch's thumbnails: every clip's middle frame, concurrently within a bound, failures per clip."""

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from viralclip_contracts import AspectRatio, Clip
from viralclip_media import (
    FfmpegResult,
    PyAvStillMaker,
    StillRequest,
    StillResult,
    StillsUnavailable,
    SubprocessFfmpegRunner,
)
from viralclip_testkit.media import colour_at_second, colour_matches, ffmpeg_executable, read_rgb
from viralclip_thumbnail.thumbnails import clip_midpoint, make_thumbnails, plan_thumbnails

TIMEOUT = 30.0
ClipFactory = Callable[[str, float, float], Clip]


class InFlightRunner(SubprocessFfmpegRunner):
    """The real runner, recording how many ffmpeg processes run at once."""

    def __init__(self, executable: str) -> None:
        super().__init__(executable)
        self.calls = 0
        self.in_flight = 0
        self.most_in_flight = 0

    async def run(self, args: Sequence[str], *, timeout_sec: float, **options: Any) -> FfmpegResult:
        self.calls += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await super().run(args, timeout_sec=timeout_sec, **options)
        finally:
            self.in_flight -= 1


async def test_every_clip_gets_its_middle_frame(
    make_clip: ClipFactory, runner: SubprocessFfmpegRunner, timestamp_video: Path, tmp_path: Path
) -> None:
    clips = [make_clip("c-a", 0.0, 5.0), make_clip("c-b", 4.0, 17.0), make_clip("c-c", 12.0, 19.0)]
    plans = plan_thumbnails(tmp_path, timestamp_video, clips, AspectRatio.SQUARE, 320)

    outcomes = await make_thumbnails(runner, plans, concurrency=2, timeout_sec=TIMEOUT)

    assert [o.clip_id for o in outcomes] == ["c-a", "c-b", "c-c"]
    for clip, outcome in zip(clips, outcomes, strict=True):
        assert outcome.error is None
        assert outcome.thumbnail_path == f"thumbnails/b-1/{clip.clip_id}.jpg"
        image = read_rgb(tmp_path / outcome.thumbnail_path, 320, 320)
        middle_second = int(clip_midpoint(clip))
        assert colour_matches(image.pixel(160, 160), colour_at_second(middle_second))
        assert not colour_matches(image.pixel(160, 160), colour_at_second(int(clip.start_time_sec)))


async def test_no_more_ffmpeg_processes_than_the_bound_run_at_once(
    make_clip: ClipFactory, timestamp_video: Path, tmp_path: Path
) -> None:
    runner = InFlightRunner(ffmpeg_executable())
    clips = [make_clip(f"c-{i}", float(i), i + 1.0) for i in range(8)]
    plans = plan_thumbnails(tmp_path, timestamp_video, clips, AspectRatio.PORTRAIT, 160)

    outcomes = await make_thumbnails(runner, plans, concurrency=3, timeout_sec=TIMEOUT)

    assert all(o.error is None for o in outcomes)
    assert runner.calls == 8
    assert runner.most_in_flight == 3


async def test_a_second_run_reuses_every_thumbnail(
    make_clip: ClipFactory, timestamp_video: Path, tmp_path: Path
) -> None:
    runner = InFlightRunner(ffmpeg_executable())
    clips = [make_clip(f"c-{i}", float(i), i + 2.0) for i in range(4)]
    plans = plan_thumbnails(tmp_path, timestamp_video, clips, AspectRatio.FEED, 160)
    first = await make_thumbnails(runner, plans, concurrency=2, timeout_sec=TIMEOUT)

    second = await make_thumbnails(runner, plans, concurrency=2, timeout_sec=TIMEOUT)

    assert runner.calls == 4
    assert [o.made for o in first] == [True] * 4
    assert [o.made for o in second] == [False] * 4
    assert [o.thumbnail_path for o in second] == [o.thumbnail_path for o in first]


async def test_one_failing_clip_does_not_stop_the_others(
    make_clip: ClipFactory, runner: SubprocessFfmpegRunner, timestamp_video: Path, tmp_path: Path
) -> None:
    clips = [make_clip("c-ok", 2.0, 4.0), make_clip("c-late", 30.0, 40.0)]
    plans = plan_thumbnails(tmp_path, timestamp_video, clips, AspectRatio.SQUARE, 160)

    ok, late = await make_thumbnails(runner, plans, concurrency=2, timeout_sec=TIMEOUT)

    assert ok.thumbnail_path is not None
    assert (tmp_path / ok.thumbnail_path).is_file()
    assert late.thumbnail_path is None
    assert late.error is not None
    assert "found no frame at 35.00 s" in late.error


async def test_a_timeout_is_recorded_for_that_clip(
    make_clip: ClipFactory, tmp_path: Path, timestamp_video: Path
) -> None:
    script = tmp_path / "ffmpeg-hung"
    script.write_text("#!/bin/sh\nexec sleep 60\n")
    script.chmod(0o755)
    plans = plan_thumbnails(tmp_path, timestamp_video, [make_clip("c-1", 1.0, 2.0)], AspectRatio.SQUARE, 160)

    (outcome,) = await asyncio.wait_for(
        make_thumbnails(SubprocessFfmpegRunner(str(script)), plans, concurrency=1, timeout_sec=0.3),
        timeout=10,
    )

    assert outcome.thumbnail_path is None
    assert outcome.error == "ffmpeg did not finish within 0.3 s and was killed"


async def test_clips_past_the_end_of_the_video_are_not_sent_to_ffmpeg(
    make_clip: ClipFactory, timestamp_video: Path, tmp_path: Path
) -> None:
    runner = InFlightRunner(ffmpeg_executable())
    plans = plan_thumbnails(
        tmp_path,
        timestamp_video,
        [make_clip("c-1", 18.0, 26.0)],
        AspectRatio.SQUARE,
        160,
        video_duration_sec=20.0,
    )

    (outcome,) = await make_thumbnails(runner, plans, concurrency=1, timeout_sec=TIMEOUT)

    assert runner.calls == 0
    assert outcome.error == "clip midpoint 22.00 s is past the end of the video (20.00 s)"


async def test_a_missing_ffmpeg_fails_each_clip_with_the_reason(
    make_clip: ClipFactory, timestamp_video: Path, tmp_path: Path
) -> None:
    runner = SubprocessFfmpegRunner(str(tmp_path / "no-ffmpeg-here"))
    plans = plan_thumbnails(tmp_path, timestamp_video, [make_clip("c-1", 1.0, 2.0)], AspectRatio.SQUARE, 160)

    (outcome,) = await make_thumbnails(runner, plans, concurrency=1, timeout_sec=TIMEOUT)

    assert outcome.error is not None
    assert "no-ffmpeg-here" in outcome.error


async def test_a_concurrency_below_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="concurrency must be at least 1"):
        await make_thumbnails(SubprocessFfmpegRunner("ffmpeg"), [], concurrency=0, timeout_sec=1)


class CountingStills(PyAvStillMaker):
    """The in-process decoder, recording what it was asked for; `unavailable` plays a codec it lacks."""

    def __init__(self, *, unavailable: bool = False) -> None:
        self.requests: list[StillRequest] = []
        self.unavailable = unavailable

    async def stills(
        self, source: Path, requests: Sequence[StillRequest], *, timeout_sec: float, workers: int
    ) -> list[StillResult]:
        self.requests += requests
        if self.unavailable:
            return [StillsUnavailable("no decoder for this video")] * len(requests)
        return await super().stills(source, requests, timeout_sec=timeout_sec, workers=workers)


async def test_in_process_every_clip_gets_its_middle_frame_without_an_ffmpeg_process(
    make_clip: ClipFactory, timestamp_video: Path, tmp_path: Path
) -> None:
    runner = InFlightRunner(ffmpeg_executable())
    stills = CountingStills()
    clips = [make_clip("c-a", 0.0, 5.0), make_clip("c-b", 4.0, 17.0), make_clip("c-c", 12.0, 19.0)]
    plans = plan_thumbnails(tmp_path, timestamp_video, clips, AspectRatio.SQUARE, 320)

    outcomes = await make_thumbnails(runner, plans, concurrency=2, timeout_sec=TIMEOUT, stills=stills)

    assert runner.calls == 0
    assert len(stills.requests) == 3
    for clip, outcome in zip(clips, outcomes, strict=True):
        assert outcome.error is None
        assert outcome.made
        assert outcome.thumbnail_path is not None
        image = read_rgb(tmp_path / outcome.thumbnail_path, 320, 320)
        assert colour_matches(image.pixel(160, 160), colour_at_second(int(clip_midpoint(clip))))
    assert not list((tmp_path / "thumbnails" / "b-1").glob(".*.part")), "no partial file is left"


async def test_in_process_a_second_run_decodes_nothing(
    make_clip: ClipFactory, timestamp_video: Path, tmp_path: Path
) -> None:
    stills = CountingStills()
    runner = InFlightRunner(ffmpeg_executable())
    plans = plan_thumbnails(
        tmp_path, timestamp_video, [make_clip(f"c-{i}", i, i + 2.0) for i in range(4)], AspectRatio.FEED, 160
    )
    await make_thumbnails(runner, plans, concurrency=2, timeout_sec=TIMEOUT, stills=stills)

    second = await make_thumbnails(runner, plans, concurrency=2, timeout_sec=TIMEOUT, stills=stills)

    assert len(stills.requests) == 4
    assert runner.calls == 0
    assert [o.made for o in second] == [False] * 4


async def test_in_process_one_failing_clip_does_not_stop_the_others(
    make_clip: ClipFactory, timestamp_video: Path, tmp_path: Path
) -> None:
    clips = [make_clip("c-ok", 2.0, 4.0), make_clip("c-late", 30.0, 40.0)]
    plans = plan_thumbnails(tmp_path, timestamp_video, clips, AspectRatio.SQUARE, 160)

    ok, late = await make_thumbnails(
        InFlightRunner(ffmpeg_executable()),
        plans,
        concurrency=2,
        timeout_sec=TIMEOUT,
        stills=CountingStills(),
    )

    assert ok.thumbnail_path is not None
    assert (tmp_path / ok.thumbnail_path).is_file()
    assert late.thumbnail_path is None
    assert late.error is not None
    assert "no frame at 35.00 s" in late.error


async def test_in_process_a_frame_past_its_deadline_fails_that_clip(
    make_clip: ClipFactory, timestamp_video: Path, tmp_path: Path
) -> None:
    plans = plan_thumbnails(tmp_path, timestamp_video, [make_clip("c-1", 1.0, 2.0)], AspectRatio.SQUARE, 160)

    (outcome,) = await make_thumbnails(
        InFlightRunner(ffmpeg_executable()), plans, concurrency=1, timeout_sec=0.0, stills=CountingStills()
    )

    assert outcome.thumbnail_path is None
    assert outcome.error == "decoding the frame at 1.50 s passed its deadline"


async def test_a_video_the_decoder_cannot_read_falls_back_to_one_ffmpeg_per_clip(
    make_clip: ClipFactory, timestamp_video: Path, tmp_path: Path
) -> None:
    runner = InFlightRunner(ffmpeg_executable())
    clips = [make_clip("c-a", 0.0, 5.0), make_clip("c-b", 4.0, 17.0)]
    plans = plan_thumbnails(tmp_path, timestamp_video, clips, AspectRatio.SQUARE, 160)

    outcomes = await make_thumbnails(
        runner, plans, concurrency=2, timeout_sec=TIMEOUT, stills=CountingStills(unavailable=True)
    )

    assert runner.calls == 2
    assert [outcome.error for outcome in outcomes] == [None, None]
    assert [outcome.made for outcome in outcomes] == [True, True]
