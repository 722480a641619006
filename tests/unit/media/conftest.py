"""Tiny real clips (320x180, 2 s) made with the runner under test, shared by the media tests."""

from pathlib import Path

import pytest

from viralclip_media import SubprocessFfmpegRunner, locate_ffmpeg


@pytest.fixture
def runner() -> SubprocessFfmpegRunner:
    return SubprocessFfmpegRunner(locate_ffmpeg())


async def _encode(runner: SubprocessFfmpegRunner, out: Path, inputs: list[str], extra: list[str]) -> Path:
    args = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", *inputs]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *extra, str(out)]
    (await runner.run(args, timeout_sec=60)).check(f"writing {out.name}")
    return out


@pytest.fixture(scope="session")
async def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 s of 320x180 video at 10 fps with a sine tone (AAC)."""
    out = tmp_path_factory.mktemp("media") / "tiny.mp4"
    video = ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=10:d=2"]
    audio = ["-f", "lavfi", "-i", "sine=frequency=440:duration=2"]
    return await _encode(SubprocessFfmpegRunner(locate_ffmpeg()), out, [*video, *audio], ["-c:a", "aac"])


@pytest.fixture(scope="session")
async def silent_anamorphic_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1 s of 240x180 video stored with 4:3 pixels (displays as 320x180), 5 fps, no audio."""
    out = tmp_path_factory.mktemp("media") / "anamorphic.mp4"
    video = ["-f", "lavfi", "-i", "testsrc2=s=240x180:r=5:d=1"]
    return await _encode(SubprocessFfmpegRunner(locate_ffmpeg()), out, video, ["-vf", "setsar=4/3"])
