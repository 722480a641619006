"""The clips.scored handler with a real ffmpeg and an in-memory repository."""

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from viralclip_contracts import (
    AspectRatio,
    BatchFailed,
    Clip,
    ClipBatchConfig,
    ClipsScored,
    Event,
    Stage,
    ThumbnailsDone,
    Video,
)
from viralclip_media import FfmpegResult, PyAvStillMaker, StillMaker, SubprocessFfmpegRunner
from viralclip_runtime import derived_event_id
from viralclip_testkit.media import colour_at_second, colour_matches, ffmpeg_executable, read_rgb
from viralclip_thumbnail.handlers import ThumbnailOptions, handle_clips_scored
from viralclip_thumbnail.repository import ThumbnailRepository
from viralclip_thumbnail.thumbnails import ThumbnailOutcome


class MemoryRepository(ThumbnailRepository):
    def __init__(self, videos: Sequence[Video] = (), *, stale: bool = False) -> None:
        self.videos = {video.video_id: video for video in videos}
        self.stale = stale
        self.recorded: dict[str, ThumbnailOutcome] = {}

    async def is_stale(self, event: Event) -> bool:
        return self.stale

    async def load_video(self, video_id: str) -> Video | None:
        return self.videos.get(video_id)

    async def record_thumbnails(self, event: Event, outcomes: Sequence[ThumbnailOutcome]) -> bool:
        if self.stale:
            return False
        self.recorded.update({outcome.clip_id: outcome for outcome in outcomes})
        return True


class CountingRunner(SubprocessFfmpegRunner):
    calls = 0

    async def run(self, args: Sequence[str], *, timeout_sec: float, **options: Any) -> FfmpegResult:
        self.calls += 1
        return await super().run(args, timeout_sec=timeout_sec, **options)


class Harness:
    def __init__(
        self, media_root: Path, repository: MemoryRepository, stills: StillMaker | None = None
    ) -> None:
        self.media_root = media_root
        self.repository = repository
        self.runner = CountingRunner(ffmpeg_executable())
        self.stills = stills
        self.published: list[Event] = []

    async def publish(self, event: Event) -> None:
        self.published.append(event)

    async def handle(self, event: ClipsScored) -> Event | None:
        before = len(self.published)
        options = ThumbnailOptions(self.media_root, long_side=320, concurrency=2, timeout_sec=30)
        await handle_clips_scored(
            event,
            repository=self.repository,
            runner=self.runner,
            publish=self.publish,
            options=options,
            stills=self.stills,
        )
        assert len(self.published) - before <= 1, "one event per handled message"
        return self.published[-1] if len(self.published) > before else None


def video(media_path: str = "videos/v.mp4") -> Video:
    return Video(video_id="v-1", title="Timestamps", media_path=media_path, duration_sec=20)


ClipFactory = Callable[[str, float, float], Clip]


def clips_scored(make_clip: ClipFactory, *spans: tuple[float, float]) -> ClipsScored:
    clips = tuple(make_clip(f"c-{i}", start, end) for i, (start, end) in enumerate(spans))
    return ClipsScored(
        batch_id="b-1",
        video_id="v-1",
        job_id="j-1",
        producer="scoring",
        config=ClipBatchConfig(aspect_ratio=AspectRatio.PORTRAIT),
        clips=clips,
        windows_total=len(clips),
        windows_failed=0,
    )


@pytest.fixture
def media_root(tmp_path: Path, timestamp_video: Path) -> Path:
    (tmp_path / "videos").mkdir()
    shutil.copy(timestamp_video, tmp_path / "videos" / "v.mp4")
    return tmp_path


@pytest.fixture
def harness(media_root: Path) -> Harness:
    return Harness(media_root, MemoryRepository([video()]))


async def test_every_clip_gets_its_middle_frame_and_one_done_event(
    make_clip: ClipFactory, harness: Harness
) -> None:
    event = clips_scored(make_clip, (1.0, 6.0), (10.0, 15.0), (14.0, 19.0))

    done = await harness.handle(event)

    assert isinstance(done, ThumbnailsDone)
    assert done.event_id == derived_event_id("j-1", "thumbnails.done")
    assert done.thumbnails_failed == 0
    assert [c.clip_id for c in done.clips] == ["c-0", "c-1", "c-2"]
    for clip in done.clips:
        assert clip.thumbnail_path == f"thumbnails/b-1/{clip.clip_id}.jpg"
        assert clip.thumbnail_error is None
        assert harness.repository.recorded[clip.clip_id].thumbnail_path == clip.thumbnail_path
        image = read_rgb(harness.media_root / clip.thumbnail_path, 180, 320)
        middle = int((clip.start_time_sec + clip.end_time_sec) / 2)
        assert colour_matches(image.pixel(90, 160), colour_at_second(middle))
    assert harness.runner.calls == 1 + 3  # one probe, three frames


async def test_decoding_in_process_runs_one_ffmpeg_for_the_probe_and_none_per_clip(
    make_clip: ClipFactory, media_root: Path
) -> None:
    harness = Harness(media_root, MemoryRepository([video()]), stills=PyAvStillMaker())
    event = clips_scored(make_clip, (1.0, 6.0), (10.0, 15.0), (14.0, 19.0))

    done = await harness.handle(event)

    assert isinstance(done, ThumbnailsDone)
    assert done.thumbnails_failed == 0
    for clip in done.clips:
        assert clip.thumbnail_path is not None
        image = read_rgb(harness.media_root / clip.thumbnail_path, 180, 320)
        middle = int((clip.start_time_sec + clip.end_time_sec) / 2)
        assert colour_matches(image.pixel(90, 160), colour_at_second(middle))
    assert harness.runner.calls == 1  # the probe only


async def test_handling_it_again_runs_no_ffmpeg_and_announces_the_same_event(
    make_clip: ClipFactory,
    harness: Harness,
) -> None:
    event = clips_scored(make_clip, (1.0, 6.0), (10.0, 15.0))
    first = await harness.handle(event)
    calls = harness.runner.calls

    again = await harness.handle(event)

    assert harness.runner.calls == calls
    assert again is not None
    assert first is not None
    assert again.model_dump(exclude={"occurred_at"}) == first.model_dump(exclude={"occurred_at"})


async def test_a_clip_that_fails_is_recorded_and_the_batch_goes_on(
    make_clip: ClipFactory, harness: Harness
) -> None:
    done = await harness.handle(clips_scored(make_clip, (2.0, 4.0), (18.0, 30.0)))

    assert isinstance(done, ThumbnailsDone)
    assert done.thumbnails_failed == 1
    ok, late = done.clips
    assert ok.thumbnail_path is not None
    assert late.thumbnail_path is None
    assert late.thumbnail_error == "clip midpoint 24.00 s is past the end of the video (20.00 s)"
    assert harness.repository.recorded["c-1"].error == late.thumbnail_error


async def test_when_every_clip_fails_the_batch_fails(make_clip: ClipFactory, harness: Harness) -> None:
    failed = await harness.handle(clips_scored(make_clip, (19.0, 30.0), (25.0, 40.0)))

    assert isinstance(failed, BatchFailed)
    assert failed.stage is Stage.THUMBNAILS
    assert failed.event_id == derived_event_id("j-1", "batch.failed")
    assert failed.error_message.startswith("Thumbnails failed for all 2 clips of batch b-1")
    assert "past the end of the video" in failed.error_message
    assert set(harness.repository.recorded) == {"c-0", "c-1"}


async def test_a_missing_video_file_fails_the_batch_naming_the_file(
    make_clip: ClipFactory, media_root: Path
) -> None:
    harness = Harness(media_root, MemoryRepository([video("videos/gone.mp4")]))

    failed = await harness.handle(clips_scored(make_clip, (1.0, 3.0)))

    assert isinstance(failed, BatchFailed)
    assert failed.error_message == (
        "Thumbnails failed: the video file videos/gone.mp4 of video v-1 does not exist. "
        "Upload the video again or fix its media path, then retry the batch."
    )
    assert str(media_root) not in failed.error_message
    assert harness.repository.recorded == {}


async def test_an_unreadable_video_file_fails_the_batch(make_clip: ClipFactory, media_root: Path) -> None:
    (media_root / "videos" / "text.mp4").write_text("not a video")
    harness = Harness(media_root, MemoryRepository([video("videos/text.mp4")]))

    failed = await harness.handle(clips_scored(make_clip, (1.0, 3.0)))

    assert isinstance(failed, BatchFailed)
    assert "videos/text.mp4 of video v-1 is not a readable video" in failed.error_message


async def test_a_video_path_escaping_the_media_root_is_refused_without_ffmpeg(
    make_clip: ClipFactory,
    media_root: Path,
) -> None:
    harness = Harness(media_root, MemoryRepository([video("../../etc/passwd")]))

    failed = await harness.handle(clips_scored(make_clip, (1.0, 3.0)))

    assert isinstance(failed, BatchFailed)
    assert "media_path must be a path inside the media root (got '../../etc/passwd')" in failed.error_message
    assert harness.runner.calls == 0


async def test_an_unregistered_video_fails_the_batch(make_clip: ClipFactory, media_root: Path) -> None:
    harness = Harness(media_root, MemoryRepository([]))

    failed = await harness.handle(clips_scored(make_clip, (1.0, 3.0)))

    assert isinstance(failed, BatchFailed)
    assert "video v-1 is not registered" in failed.error_message


async def test_a_stale_job_is_ignored(make_clip: ClipFactory, media_root: Path) -> None:
    harness = Harness(media_root, MemoryRepository([video()], stale=True))

    assert await harness.handle(clips_scored(make_clip, (1.0, 3.0))) is None
    assert harness.runner.calls == 0
    assert harness.repository.recorded == {}


async def test_a_batch_without_clips_is_done_at_once(make_clip: ClipFactory, harness: Harness) -> None:
    done = await harness.handle(clips_scored(make_clip))

    assert isinstance(done, ThumbnailsDone)
    assert done.clips == ()
    assert harness.runner.calls == 0


async def test_a_clip_id_that_cannot_name_a_file_fails_the_batch(
    make_clip: ClipFactory, harness: Harness
) -> None:
    event = clips_scored(make_clip, (1.0, 3.0))
    event = event.model_copy(update={"clips": (make_clip("../../escape", 1.0, 3.0),)})

    failed = await harness.handle(event)

    assert isinstance(failed, BatchFailed)
    assert "clip_id '../../escape' cannot name a file" in failed.error_message
    assert harness.runner.calls == 0
