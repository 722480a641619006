"""One thumbnail from a real video: the right moment, the right crop, a valid JPEG, written once."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from viralclip_contracts import AspectRatio
from viralclip_media import FfmpegError, FfmpegResult, SubprocessFfmpegRunner
from viralclip_testkit.media import (
    BLACK,
    WHITE,
    colour_at_second,
    colour_matches,
    read_rgb,
    second_from_colour,
)
from viralclip_thumbnail.frames import FrameRequest, extract_frame, thumbnail_size
from viralclip_thumbnail.jpeg import jpeg_dimensions

TIMEOUT = 30.0


class CountingRunner(SubprocessFfmpegRunner):
    """The real runner, counting how often ffmpeg is started."""

    calls = 0

    async def run(self, args: Sequence[str], *, timeout_sec: float, **options: Any) -> FfmpegResult:
        self.calls += 1
        return await super().run(args, timeout_sec=timeout_sec, **options)


def names_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def request(source: Path, dest: Path, at_sec: float, aspect: AspectRatio) -> FrameRequest:
    return FrameRequest(source, at_sec, aspect, thumbnail_size(aspect), dest)


@pytest.mark.parametrize("at_sec", [0.5, 7.5, 12.5, 19.5])
async def test_the_thumbnail_shows_the_frame_at_the_requested_moment(
    runner: SubprocessFfmpegRunner, timestamp_video: Path, tmp_path: Path, at_sec: float
) -> None:
    dest = tmp_path / "t.jpg"
    await extract_frame(
        runner, request(timestamp_video, dest, at_sec, AspectRatio.PORTRAIT), timeout_sec=TIMEOUT
    )

    width, height = thumbnail_size(AspectRatio.PORTRAIT)
    centre = read_rgb(dest, width, height).pixel(width // 2, height // 2)
    assert second_from_colour(centre, 20) == int(at_sec)
    assert colour_matches(centre, colour_at_second(int(at_sec)))


@pytest.mark.parametrize(
    ("aspect", "size"),
    [
        (AspectRatio.PORTRAIT, (360, 640)),
        (AspectRatio.SQUARE, (640, 640)),
        (AspectRatio.FEED, (512, 640)),
        (AspectRatio.LANDSCAPE, (640, 360)),
    ],
)
async def test_the_thumbnail_has_the_requested_aspect_ratio(
    runner: SubprocessFfmpegRunner,
    timestamp_video: Path,
    tmp_path: Path,
    aspect: AspectRatio,
    size: tuple[int, int],
) -> None:
    dest = tmp_path / "t.jpg"
    await extract_frame(runner, request(timestamp_video, dest, 3.5, aspect), timeout_sec=TIMEOUT)

    assert jpeg_dimensions(dest.read_bytes()) == size
    assert size[0] / size[1] == pytest.approx(aspect.width_to_height)
    read_rgb(dest, *size)  # decodes at exactly that size


@pytest.mark.parametrize(
    ("aspect", "left", "right"),
    [
        (AspectRatio.PORTRAIT, "time", "time"),
        (AspectRatio.SQUARE, BLACK, WHITE),
        (AspectRatio.FEED, BLACK, WHITE),
        (AspectRatio.LANDSCAPE, BLACK, WHITE),
    ],
)
async def test_the_crop_is_centred(
    runner: SubprocessFfmpegRunner,
    timestamp_video: Path,
    tmp_path: Path,
    aspect: AspectRatio,
    left: tuple[int, int, int] | str,
    right: tuple[int, int, int] | str,
) -> None:
    """The source has a black bar left and a white bar right of a central 9:16 column."""
    dest = tmp_path / "t.jpg"
    await extract_frame(runner, request(timestamp_video, dest, 5.5, aspect), timeout_sec=TIMEOUT)

    width, height = thumbnail_size(aspect)
    image = read_rgb(dest, width, height)
    time_colour = colour_at_second(5)
    inset = width // 20
    for x, expected in ((inset, left), (width - 1 - inset, right)):
        colour = time_colour if expected == "time" else expected
        assert isinstance(colour, tuple)
        for y in (inset, height // 2, height - 1 - inset):
            assert colour_matches(image.pixel(x, y), colour), (x, y, image.pixel(x, y))
    assert colour_matches(image.pixel(width // 2, height // 2), time_colour)


async def test_the_file_is_a_complete_jpeg_and_no_temporary_file_is_left(
    runner: SubprocessFfmpegRunner, timestamp_video: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "thumbnails" / "b1" / "c1.jpg"
    ran = await extract_frame(
        runner, request(timestamp_video, dest, 9.5, AspectRatio.FEED), timeout_sec=TIMEOUT
    )

    data = dest.read_bytes()
    assert ran
    assert data[:2] == b"\xff\xd8"
    assert data[-2:] == b"\xff\xd9"
    assert names_in(dest.parent) == ["c1.jpg"]


async def test_an_existing_thumbnail_is_reused_without_running_ffmpeg(
    timestamp_video: Path, tmp_path: Path
) -> None:
    from viralclip_testkit.media import ffmpeg_executable

    counting = CountingRunner(ffmpeg_executable())
    frame = request(timestamp_video, tmp_path / "c.jpg", 4.5, AspectRatio.SQUARE)
    assert await extract_frame(counting, frame, timeout_sec=TIMEOUT)
    before = frame.dest.stat()

    assert not await extract_frame(counting, frame, timeout_sec=TIMEOUT)
    assert counting.calls == 1
    assert frame.dest.stat().st_ino == before.st_ino
    assert frame.dest.stat().st_mtime_ns == before.st_mtime_ns


@pytest.mark.parametrize("existing", [b"", b"\xff\xd8 half a jpeg", b"not a jpeg at all"])
async def test_a_broken_existing_file_is_replaced(
    runner: SubprocessFfmpegRunner, timestamp_video: Path, tmp_path: Path, existing: bytes
) -> None:
    frame = request(timestamp_video, tmp_path / "c.jpg", 4.5, AspectRatio.SQUARE)
    frame.dest.write_bytes(existing)

    assert await extract_frame(runner, frame, timeout_sec=TIMEOUT)
    assert jpeg_dimensions(frame.dest.read_bytes()) == (640, 640)


async def test_a_thumbnail_of_another_size_is_made_again(
    runner: SubprocessFfmpegRunner, timestamp_video: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "c.jpg"
    await extract_frame(runner, request(timestamp_video, dest, 4.5, AspectRatio.SQUARE), timeout_sec=TIMEOUT)
    smaller = FrameRequest(timestamp_video, 4.5, AspectRatio.SQUARE, (320, 320), dest)

    assert await extract_frame(runner, smaller, timeout_sec=TIMEOUT)
    assert jpeg_dimensions(dest.read_bytes()) == (320, 320)


async def test_a_moment_past_the_end_fails_clearly_and_leaves_nothing(
    runner: SubprocessFfmpegRunner, timestamp_video: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "c.jpg"
    with pytest.raises(FfmpegError, match=r"found no frame at 25\.00 s"):
        await extract_frame(
            runner, request(timestamp_video, dest, 25.0, AspectRatio.SQUARE), timeout_sec=TIMEOUT
        )
    assert names_in(tmp_path) == []


async def test_a_missing_source_fails_with_ffmpegs_reason(
    runner: SubprocessFfmpegRunner, tmp_path: Path
) -> None:
    frame = request(tmp_path / "gone.mp4", tmp_path / "c.jpg", 1.0, AspectRatio.SQUARE)
    with pytest.raises(FfmpegError, match=r"exit \d+.*No such file"):
        await extract_frame(runner, frame, timeout_sec=TIMEOUT)


@pytest.mark.parametrize(
    ("aspect", "long_side", "size"),
    [
        (AspectRatio.PORTRAIT, 1280, (720, 1280)),
        (AspectRatio.LANDSCAPE, 1280, (1280, 720)),
        (AspectRatio.FEED, 100, (80, 100)),
    ],
)
def test_thumbnail_size_keeps_the_long_side(
    aspect: AspectRatio, long_side: int, size: tuple[int, int]
) -> None:
    assert thumbnail_size(aspect, long_side) == size


def test_a_tiny_thumbnail_size_is_refused() -> None:
    with pytest.raises(ValueError, match="long_side must be at least 16"):
        thumbnail_size(AspectRatio.SQUARE, 8)
