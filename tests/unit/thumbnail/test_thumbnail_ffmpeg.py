"""Running and probing ffmpeg: timeouts kill the process, probes work without ffprobe."""

import os
import stat
import time
from pathlib import Path

import pytest

from viralclip_thumbnail.ffmpeg import (
    FfmpegTimeout,
    ProbeError,
    SubprocessFfmpegRunner,
    locate_ffmpeg,
    parse_probe_output,
    probe_media,
)

PROBE_OUTPUT = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'v.mp4':
  Duration: 01:02:03.50, start: 0.000000, bitrate: 18 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), \
1280x720 [SAR 1:1 DAR 16:9], 18 kb/s, 5 fps, 5 tbr, 10240 tbn (default)
At least one output file must be specified
"""


def hung_ffmpeg(directory: Path) -> tuple[Path, Path]:
    """An executable that records its pid and never finishes, standing in for a stuck ffmpeg."""
    pid_file = directory / "pid"
    script = directory / "ffmpeg-hung"
    script.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 60\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, pid_file


async def test_a_hung_ffmpeg_is_killed_at_its_timeout(tmp_path: Path) -> None:
    script, pid_file = hung_ffmpeg(tmp_path)
    runner = SubprocessFfmpegRunner(str(script))

    started = time.monotonic()
    with pytest.raises(FfmpegTimeout, match=r"did not finish within 0\.5 s and was killed"):
        await runner.run(["-i", "x"], timeout_sec=0.5)

    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


async def test_probe_reads_duration_and_size_of_a_real_video(
    runner: SubprocessFfmpegRunner, timestamp_video: Path
) -> None:
    info = await probe_media(runner, timestamp_video, timeout_sec=30)

    assert info.duration_sec == pytest.approx(20.0, abs=0.3)
    assert (info.width, info.height) == (1280, 720)


async def test_probe_of_a_missing_file_says_it_does_not_exist(
    runner: SubprocessFfmpegRunner, tmp_path: Path
) -> None:
    with pytest.raises(ProbeError, match=r"gone\.mp4 does not exist"):
        await probe_media(runner, tmp_path / "gone.mp4", timeout_sec=30)


async def test_probe_of_a_file_that_is_no_video_says_so(
    runner: SubprocessFfmpegRunner, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.mp4"
    notes.write_text("this is a shopping list, not a video\n")

    with pytest.raises(ProbeError, match=r"notes\.mp4 is not a readable video: .+"):
        await probe_media(runner, notes, timeout_sec=30)


def test_probe_output_gives_the_duration_and_the_size() -> None:
    info = parse_probe_output(Path("v.mp4"), PROBE_OUTPUT)

    assert info.duration_sec == pytest.approx(3723.5)
    assert (info.width, info.height) == (1280, 720)


def test_probe_output_reports_the_display_width_of_non_square_pixels() -> None:
    anamorphic = PROBE_OUTPUT.replace("1280x720 [SAR 1:1 DAR 16:9]", "720x576 [SAR 64:45 DAR 16:9]")

    info = parse_probe_output(Path("v.mp4"), anamorphic)

    assert (info.width, info.height) == (1024, 576)


def test_probe_output_without_a_video_stream_is_refused() -> None:
    audio_only = PROBE_OUTPUT.replace("Video: h264", "Audio: aac").replace("1280x720 ", "")

    with pytest.raises(ProbeError, match="not a readable video"):
        parse_probe_output(Path("v.mp4"), audio_only)


def test_a_configured_ffmpeg_wins() -> None:
    assert locate_ffmpeg("/opt/ffmpeg/bin/ffmpeg") == "/opt/ffmpeg/bin/ffmpeg"


def test_an_ffmpeg_is_found_without_configuration() -> None:
    found = Path(locate_ffmpeg())

    assert found.is_file()
    assert os.access(found, os.X_OK)
