"""The handler with a fake repository (a real subclass of the port) and the real ffmpeg runner."""

import shutil
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from viralclip_contracts import (
    AspectRatio,
    ClipExported,
    ClipExportFailed,
    ClipExportRequested,
    Event,
    ReframeMode,
    RenderResolution,
    RenderSettings,
    TranscriptSegment,
    Video,
    Word,
)
from viralclip_media import SubprocessFfmpegRunner
from viralclip_render.handlers import handle_export_requested
from viralclip_render.render import RenderOptions
from viralclip_render.repository import RenderRepository


class FakeRepository(RenderRepository):
    def __init__(self, videos: dict[str, Video]) -> None:
        self.videos = videos
        self.starts: list[str] = []
        self.progress: list[float] = []

    async def load_video(self, video_id: str) -> Video | None:
        return self.videos.get(video_id)

    async def record_render_start(self, export_id: str, at: datetime) -> None:
        self.starts.append(export_id)

    async def record_progress(self, export_id: str, progress: float) -> None:
        self.progress.append(progress)


def video(media_path: str) -> Video:
    words = (Word(text="hello", start_sec=1.2, end_sec=1.6), Word(text="there", start_sec=1.7, end_sec=2.1))
    segment = TranscriptSegment(start_sec=1.0, end_sec=2.5, text="hello there", words=words)
    return Video(video_id="v-1", title="T", media_path=media_path, duration_sec=10.0, transcript=(segment,))


def request(**changes: object) -> ClipExportRequested:
    event = ClipExportRequested(
        batch_id="b-1",
        video_id="v-1",
        job_id="j-1",
        producer="batch-api",
        export_id="e-1",
        clip_id="c-1",
        start_sec=1.0,
        end_sec=2.5,
        settings=RenderSettings(
            aspect_ratio=AspectRatio.SQUARE,
            reframe=ReframeMode.CENTER,
            captions=True,
            resolution=RenderResolution.HD_720,
        ),
    )
    return event.model_copy(update=changes)


async def handle(
    event: ClipExportRequested, repository: FakeRepository, media_root: Path, runner: SubprocessFfmpegRunner
) -> list[Event]:
    published: list[Event] = []

    async def publish(out: Event) -> None:
        published.append(out)

    await handle_export_requested(
        event,
        repository=repository,
        runner=runner,
        publish=publish,
        options=RenderOptions(media_root=media_root),
    )
    return published


@pytest.fixture
def media_root(tmp_path: Path, timestamp_source: Path) -> Path:
    (tmp_path / "videos").mkdir()
    shutil.copy(timestamp_source, tmp_path / "videos" / "v.mp4")  # a link out of the root is refused
    return tmp_path


async def test_an_export_is_announced_with_an_id_derived_from_its_request(
    media_root: Path, runner: SubprocessFfmpegRunner
) -> None:
    repository = FakeRepository({"v-1": video("videos/v.mp4")})

    (first,) = await handle(request(), repository, media_root, runner)
    (again,) = await handle(request(), repository, media_root, runner)
    (other,) = await handle(request(event_id=uuid.UUID(int=7)), repository, media_root, runner)

    assert isinstance(first, ClipExported)
    assert (first.export_id, first.clip_id, first.producer) == ("e-1", "c-1", "render")
    assert (first.width, first.height) == (720, 720)
    assert again == first.model_copy(update={"occurred_at": again.occurred_at, "event_id": again.event_id})
    assert other.event_id != first.event_id
    assert repository.starts == ["e-1"], "only the first request rendered"
    assert repository.progress[-1] == 1.0


@pytest.mark.parametrize(
    ("videos", "event", "message"),
    [
        ({}, request(), "Rendering failed: video v-1 is not registered. Register the video again"),
        (
            {"v-1": video("videos/v.mp4")},
            request(end_sec=1.0),
            "Rendering failed: the clip's range 1.00–1.00 s",
        ),
        ({"v-1": video("../outside.mp4")}, request(), "Rendering failed: the source video of v-1 is missing"),
        (
            {"v-1": video("videos/v.mp4")},
            request(export_id="../e"),
            "Rendering failed: export_id '../e' cannot",
        ),
    ],
    ids=["unregistered", "empty-range", "outside-media-root", "unsafe-id"],
)
async def test_what_the_creator_can_fix_is_a_readable_export_failed(
    videos: dict[str, Video],
    event: ClipExportRequested,
    message: str,
    media_root: Path,
    runner: SubprocessFfmpegRunner,
) -> None:
    repository = FakeRepository(videos)

    (failed,) = await handle(event, repository, media_root, runner)

    assert isinstance(failed, ClipExportFailed)
    assert failed.error_message.startswith(message)
    assert repository.starts == []
