"""In-process stills (PyAV): the frame at each moment, through the filter chain, each still failing alone."""

import math
from pathlib import Path

import numpy as np
import pytest

from viralclip_media import (
    FfmpegTimeout,
    PyAvStillMaker,
    StillFailed,
    StillRequest,
    StillsUnavailable,
    SubprocessFfmpegRunner,
    locate_ffmpeg,
)
from viralclip_testkit.media import (
    colour_at_second,
    colour_matches,
    read_rgb,
    read_video_frame,
    rotated_for_display,
    write_long_video,
    write_timestamp_video,
)

SECONDS = 8
FPS = 5
SQUARE = "crop='min(iw,ih)':'min(ih,iw)',scale=96:96"


@pytest.fixture(scope="session")
def timestamp_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 s, 5 fps, 1280x720, a 2-s GOP; the colour of second s is colour_at_second(s)."""
    return write_timestamp_video(tmp_path_factory.mktemp("stills") / "timestamps.mp4", SECONDS, FPS)


def centre(jpeg: bytes, tmp_path: Path, size: tuple[int, int]) -> tuple[int, int, int]:
    path = tmp_path / "still.jpg"
    path.write_bytes(jpeg)
    return read_rgb(path, *size).pixel(size[0] // 2, size[1] // 2)


def second_shown(at_sec: float) -> int:
    """The second of the first frame at or after `at_sec`: what ffmpeg's `-ss` before `-i` outputs."""
    return int(math.ceil(at_sec * FPS - 1e-9) / FPS)


async def test_each_still_shows_the_frame_at_its_moment_in_request_order(
    timestamp_video: Path, tmp_path: Path
) -> None:
    moments = [6.5, 0.2, 3.79, 3.81, 1.0, 7.5]

    results = await PyAvStillMaker().stills(
        timestamp_video, [StillRequest(at, SQUARE) for at in moments], timeout_sec=30, workers=2
    )

    for at, result in zip(moments, results, strict=True):
        assert isinstance(result, bytes), result
        assert colour_matches(centre(result, tmp_path, (96, 96)), colour_at_second(second_shown(at)))


async def test_the_filter_chain_sets_the_size_and_no_chain_keeps_the_frame(timestamp_video: Path) -> None:
    scaled, full = await PyAvStillMaker().stills(
        timestamp_video,
        [StillRequest(2.0, "scale=320:180"), StillRequest(2.0)],
        timeout_sec=30,
        workers=1,
    )

    assert isinstance(scaled, bytes)
    assert isinstance(full, bytes)
    assert scaled.startswith(b"\xff\xd8")
    assert scaled.endswith(b"\xff\xd9")
    assert len(full) > len(scaled)


async def test_a_moment_past_the_end_fails_alone(timestamp_video: Path) -> None:
    good, past = await PyAvStillMaker().stills(
        timestamp_video,
        [StillRequest(1.5, SQUARE), StillRequest(SECONDS + 5.0, SQUARE)],
        timeout_sec=30,
        workers=2,
    )

    assert isinstance(good, bytes)
    assert isinstance(past, StillFailed)
    assert "past the end" in str(past)


async def test_a_still_past_its_deadline_times_out(timestamp_video: Path) -> None:
    (result,) = await PyAvStillMaker().stills(
        timestamp_video, [StillRequest(5.0, SQUARE)], timeout_sec=0.0, workers=1
    )

    assert isinstance(result, FfmpegTimeout)
    assert "5.00 s" in str(result)


async def test_a_file_that_is_no_video_is_unavailable_for_every_still(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-video.mp4"
    bogus.write_bytes(b"this is text, not a video" * 100)

    results = await PyAvStillMaker().stills(
        bogus, [StillRequest(1.0), StillRequest(2.0)], timeout_sec=30, workers=2
    )

    assert all(isinstance(result, StillsUnavailable) for result in results)


async def test_no_request_means_no_work_and_workers_below_one_are_refused(timestamp_video: Path) -> None:
    assert await PyAvStillMaker().stills(timestamp_video, [], timeout_sec=1, workers=1) == []
    with pytest.raises(ValueError, match="workers"):
        await PyAvStillMaker().stills(timestamp_video, [StillRequest(1.0)], timeout_sec=1, workers=0)


async def test_a_moment_counts_from_the_files_start_as_ffmpeg_counts_it(
    timestamp_video: Path, tmp_path: Path
) -> None:
    late = tmp_path / "late.mp4"
    runner = SubprocessFfmpegRunner(locate_ffmpeg())
    remux = ["-hide_banner", "-loglevel", "error", "-y", "-i", str(timestamp_video), "-c", "copy"]
    (await runner.run([*remux, "-output_ts_offset", "1.6", str(late)], timeout_sec=60)).check("remuxing")
    ffmpeg_still = tmp_path / "ffmpeg.jpg"
    args = ["-hide_banner", "-loglevel", "error", "-y", "-ss", "3.0", "-i", str(late)]
    (await runner.run([*args, "-frames:v", "1", "-vf", SQUARE, str(ffmpeg_still)], timeout_sec=60)).check(
        "a still"
    )

    (result,) = await PyAvStillMaker().stills(late, [StillRequest(3.0, SQUARE)], timeout_sec=30, workers=1)

    assert isinstance(result, bytes)
    expected = read_rgb(ffmpeg_still, 96, 96).pixel(48, 48)
    assert colour_matches(centre(result, tmp_path, (96, 96)), expected)
    assert colour_matches(expected, colour_at_second(3))


@pytest.mark.parametrize("degrees", [90, -90, 180])
async def test_a_still_of_a_video_turned_for_display_is_upright_as_ffmpeg_shows_it(
    tmp_path: Path, degrees: int
) -> None:
    stored = write_long_video(tmp_path / "landscape.mp4", 2)  # testsrc2: no symmetry a wrong turn keeps
    phone = rotated_for_display(stored, tmp_path / "phone.mp4", degrees)
    shown = await read_video_frame(SubprocessFfmpegRunner(locate_ffmpeg()), phone, 1.0)

    (still,) = await PyAvStillMaker().stills(phone, [StillRequest(1.0)], timeout_sec=30, workers=1)

    assert isinstance(still, bytes), still
    (tmp_path / "still.jpg").write_bytes(still)
    image = read_rgb(tmp_path / "still.jpg", shown.width, shown.height)
    assert (shown.width, shown.height) == ((720, 1280) if degrees != 180 else (1280, 720))
    as_ffmpeg = np.frombuffer(shown.data, np.uint8).astype(int)
    as_still = np.frombuffer(image.data, np.uint8).astype(int)
    mirrored = np.frombuffer(shown.data, np.uint8).reshape(shown.height, shown.width, 3)[:, ::-1].astype(int)
    difference = np.abs(as_still - as_ffmpeg).mean()
    assert difference < 6  # the same picture, but for the JPEG's loss
    assert np.abs(as_still - mirrored.reshape(-1)).mean() > 3 * difference  # which a mirrored one is not
