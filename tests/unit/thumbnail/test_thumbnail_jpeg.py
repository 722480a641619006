"""Recognising complete JPEG files and reading their size."""

from pathlib import Path

import pytest

from viralclip_contracts import AspectRatio
from viralclip_media import SubprocessFfmpegRunner
from viralclip_thumbnail.frames import FrameRequest, extract_frame
from viralclip_thumbnail.jpeg import InvalidJpeg, jpeg_dimensions


@pytest.fixture
async def jpeg(runner: SubprocessFfmpegRunner, timestamp_video: Path, tmp_path: Path) -> bytes:
    dest = tmp_path / "t.jpg"
    frame = FrameRequest(timestamp_video, 1.5, AspectRatio.FEED, (400, 500), dest)
    await extract_frame(runner, frame, timeout_sec=30)
    return dest.read_bytes()


def test_the_size_comes_from_the_frame_header(jpeg: bytes) -> None:
    assert jpeg_dimensions(jpeg) == (400, 500)


def test_a_truncated_jpeg_is_refused(jpeg: bytes) -> None:
    with pytest.raises(InvalidJpeg, match="EOI"):
        jpeg_dimensions(jpeg[: len(jpeg) // 2])


@pytest.mark.parametrize("data", [b"", b"GIF89a....", b"\x89PNG\r\n\x1a\n\xff\xd9"])
def test_other_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(InvalidJpeg, match="SOI"):
        jpeg_dimensions(data)


def test_a_jpeg_without_a_frame_header_is_refused() -> None:
    with pytest.raises(InvalidJpeg, match="no frame header"):
        jpeg_dimensions(b"\xff\xd8\xff\xe0\x00\x04ab\xff\xda\x00\x02\xff\xd9")
