"""A real timestamp video (see viralclip_testkit.media) shared by the thumbnail unit tests."""

from pathlib import Path

import pytest

from viralclip_testkit.media import ffmpeg_executable, write_timestamp_video
from viralclip_thumbnail.ffmpeg import SubprocessFfmpegRunner

TIMESTAMP_VIDEO_SECONDS = 20


@pytest.fixture(scope="session")
def timestamp_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20 s, 5 fps, 1280x720 H.264 video; the colour of second s is colour_at_second(s)."""
    directory = tmp_path_factory.mktemp("thumbnail-media")
    return write_timestamp_video(directory / "videos" / "timestamps.mp4", TIMESTAMP_VIDEO_SECONDS)


@pytest.fixture
def runner() -> SubprocessFfmpegRunner:
    return SubprocessFfmpegRunner(ffmpeg_executable())
