"""Running ffmpeg: deadlines kill the process, errors are typed, output and progress are captured."""

import asyncio
import os
import stat
import time
from pathlib import Path

import pytest

from viralclip_media import (
    FfmpegFailed,
    FfmpegNotStarted,
    FfmpegProgress,
    FfmpegResult,
    FfmpegTimeout,
    SubprocessFfmpegRunner,
    ffprobe_runner,
    last_message,
    locate_ffmpeg,
    locate_ffprobe,
    parse_progress,
)


def hung_ffmpeg(directory: Path) -> tuple[Path, Path]:
    """An executable that records its pid and never finishes, standing in for a stuck ffmpeg."""
    pid_file = directory / "pid"
    script = directory / "ffmpeg-hung"
    script.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 60\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, pid_file


def _gone(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text()), 0)
    except ProcessLookupError:
        return True
    return False


async def test_a_hung_ffmpeg_is_killed_at_its_timeout(tmp_path: Path) -> None:
    script, pid_file = hung_ffmpeg(tmp_path)
    runner = SubprocessFfmpegRunner(str(script))

    started = time.monotonic()
    with pytest.raises(FfmpegTimeout, match=r"^ffmpeg did not finish within 0\.5 s and was killed$"):
        await runner.run(["-i", "x"], timeout_sec=0.5)

    assert time.monotonic() - started < 5
    assert _gone(pid_file)


async def test_a_cancelled_run_kills_its_process(tmp_path: Path) -> None:
    started = tmp_path / "started"
    os.mkfifo(started)
    script, pid_file = hung_ffmpeg(tmp_path)
    script.write_text(f"#!/bin/sh\necho $$ > {pid_file}\necho up > {started}\nexec sleep 60\n")
    run = asyncio.create_task(SubprocessFfmpegRunner(str(script)).run([], timeout_sec=60))
    await asyncio.to_thread(started.read_text)  # returns once the script has written its pid

    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run

    assert _gone(pid_file)


async def test_a_missing_executable_is_a_typed_error_naming_the_tool(tmp_path: Path) -> None:
    runner = SubprocessFfmpegRunner(str(tmp_path / "no-such-ffprobe"), name="ffprobe")

    with pytest.raises(FfmpegNotStarted, match=r"^ffprobe could not be started: "):
        await runner.run(["-version"], timeout_sec=5)


async def test_a_failed_run_returns_its_status_and_check_turns_it_into_a_typed_error(
    runner: SubprocessFfmpegRunner, tmp_path: Path
) -> None:
    result = await runner.run(["-hide_banner", "-i", str(tmp_path / "gone.mp4")], timeout_sec=30)

    assert result.returncode != 0
    assert "No such file or directory" in result.reason()
    with pytest.raises(
        FfmpegFailed, match=r"^ffmpeg failed \(exit \d+\) reading gone\.mp4: .*No such file"
    ) as error:
        result.check("reading gone.mp4")
    assert error.value.returncode == result.returncode


async def test_standard_output_is_captured_on_request(runner: SubprocessFfmpegRunner) -> None:
    args = ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:s=4x2:d=1"]
    args += ["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]

    result = (await runner.run(args, timeout_sec=30, capture_stdout=True)).check("decoding")

    assert len(result.stdout) == 4 * 2 * 3
    red, green, blue = result.stdout[:3]
    assert (red > 240, green < 10, blue < 10) == (True, True, True)  # YUV conversion rounds a little


async def test_progress_reports_reach_the_callback_until_the_end(
    runner: SubprocessFfmpegRunner, tmp_path: Path
) -> None:
    reports: list[FfmpegProgress] = []
    args = ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=64x36:r=10:d=2"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-y", str(tmp_path / "out.mp4")]

    (await runner.run(args, timeout_sec=60, on_progress=reports.append)).check("encoding")

    assert reports
    assert reports[-1].done
    assert not any(report.done for report in reports[:-1])
    assert reports[-1].frame == 20
    assert reports[-1].out_time_sec == pytest.approx(2.0, abs=0.2)


async def test_capturing_and_progress_cannot_share_standard_output(runner: SubprocessFfmpegRunner) -> None:
    with pytest.raises(ValueError, match="choose one"):
        await runner.run(["-version"], timeout_sec=5, capture_stdout=True, on_progress=print)


def test_a_progress_report_is_read_from_its_key_value_lines() -> None:
    fields = {"frame": "120", "out_time_us": "4000000", "speed": "2.5x", "progress": "continue"}

    assert parse_progress(fields) == FfmpegProgress(out_time_sec=4.0, frame=120, speed=2.5, done=False)
    assert parse_progress({"out_time_us": "N/A", "speed": "N/A", "progress": "end"}) == FfmpegProgress(
        out_time_sec=None, frame=None, speed=None, done=True
    )


def test_the_reason_is_the_last_line_without_its_log_prefix() -> None:
    stderr = "Input #0 ...\n[in#0 @ 0x55d0c1a2b3c0] Error opening input: Invalid data\n\n"

    assert last_message(stderr) == "Error opening input: Invalid data"
    assert FfmpegResult(1, "").reason() == "ffmpeg printed nothing"


def test_a_configured_ffmpeg_wins() -> None:
    assert locate_ffmpeg("/opt/ffmpeg/bin/ffmpeg") == "/opt/ffmpeg/bin/ffmpeg"
    assert locate_ffprobe("/opt/ffmpeg/bin/ffprobe") == "/opt/ffmpeg/bin/ffprobe"


def test_an_ffmpeg_is_found_without_configuration() -> None:
    found = Path(locate_ffmpeg())

    assert found.is_file()
    assert os.access(found, os.X_OK)


def test_an_ffprobe_runner_exists_only_when_there_is_an_ffprobe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert ffprobe_runner() is None

    (tmp_path / "ffprobe").write_text("#!/bin/sh\n")
    (tmp_path / "ffprobe").chmod(0o755)
    found = ffprobe_runner()
    assert found is not None
    assert (found.executable, found.name) == (str(tmp_path / "ffprobe"), "ffprobe")
