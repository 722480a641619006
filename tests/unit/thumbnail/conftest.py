"""A real timestamp video (see viralclip_testkit.media) shared by the thumbnail unit tests."""

from collections.abc import Callable
from pathlib import Path

import pytest

from viralclip_contracts import Clip, Grade
from viralclip_media import SubprocessFfmpegRunner
from viralclip_testkit.media import ffmpeg_executable, write_timestamp_video

TIMESTAMP_VIDEO_SECONDS = 20


@pytest.fixture(scope="session")
def timestamp_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20 s, 5 fps, 1280x720 H.264 video; the colour of second s is colour_at_second(s)."""
    directory = tmp_path_factory.mktemp("thumbnail-media")
    return write_timestamp_video(directory / "videos" / "timestamps.mp4", TIMESTAMP_VIDEO_SECONDS)


@pytest.fixture
def runner() -> SubprocessFfmpegRunner:
    return SubprocessFfmpegRunner(ffmpeg_executable())


ClipFactory = Callable[[str, float, float], Clip]


def _clip(clip_id: str, start: float, end: float) -> Clip:
    return Clip(
        clip_id=clip_id,
        clip_batch_id="b-1",
        video_id="v-1",
        start_time_sec=start,
        end_time_sec=end,
        duration_sec=end - start,
        title=f"Clip {clip_id}",
        description="A test clip.",
        viral_score=7.0,
        grade_hook=Grade.A,
        grade_flow=Grade.B,
        grade_value=Grade.B_PLUS,
        grade_trend=Grade.C,
        language="en",
        rank=1,
    )


@pytest.fixture
def make_clip() -> ClipFactory:
    """A scored clip of batch b-1, video v-1, spanning [start, end] seconds."""
    return _clip
