"""Real test videos for the render tests: the timestamp video (small, with sound) and a face crossing
a 16:9 frame (scikit-image's public-domain astronaut photo), plus frame readers."""

import subprocess
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from viralclip_media import SubprocessFfmpegRunner
from viralclip_testkit.media import ffmpeg_executable, write_timestamp_video

SOURCE_FPS = 10
FACE_SECONDS = 6


@pytest.fixture(scope="session")
def timestamp_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 10 s, 10 fps, 320x180 video with a tone; the colour of second s is colour_at_second(s)."""
    directory = tmp_path_factory.mktemp("render-media")
    return write_timestamp_video(
        directory / "videos" / "timestamps.mp4", 10, fps=SOURCE_FPS, size=(320, 180), audio=True
    )


@pytest.fixture(scope="session")
def hue_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 s of a 320x180, 30 fps frame of one colour whose hue turns a full circle a second."""
    video = tmp_path_factory.mktemp("render-hue") / "hue.mp4"
    subprocess.run(
        [
            ffmpeg_executable(),
            *("-hide_banner", "-loglevel", "error", "-nostdin"),
            *("-f", "lavfi", "-i", "color=c=red:s=320x180:r=30:d=2,hue=h=t*360"),
            *("-c:v", "libx264", "-g", "30", "-pix_fmt", "yuv420p", str(video)),
        ],
        check=True,
        timeout=60,
    )
    return video


@pytest.fixture(scope="session")
def face_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6 s of a 640x360 grey frame across which the astronaut's portrait moves from left to right."""
    directory = tmp_path_factory.mktemp("render-face")
    portrait = directory / "astronaut.rgb"
    portrait.write_bytes(np.ascontiguousarray(data.astronaut()).tobytes())
    path = directory / "videos" / "face.mp4"
    path.parent.mkdir()
    moving = f"overlay=x='(W-w)*t/{FACE_SECONDS}':y='(H-h)/2'"
    command = [
        ffmpeg_executable(),
        *("-hide_banner", "-loglevel", "error", "-nostdin", "-y"),
        *("-f", "lavfi", "-i", f"color=c=0x808080:s=640x360:r={SOURCE_FPS}:d={FACE_SECONDS}"),
        *("-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "512x512", "-i", str(portrait)),
        *("-filter_complex", f"[1:v]scale=260:260,loop=-1:1[face];[0:v][face]{moving}:shortest=1"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "20", str(path)),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return path


@pytest.fixture
def runner() -> SubprocessFfmpegRunner:
    return SubprocessFfmpegRunner(ffmpeg_executable())


def decoded_frames(video: Path, width: int, height: int, *, at_sec: float | None = None) -> np.ndarray:
    """Every frame of `video` (or only the one at `at_sec`) scaled to width x height, as RGB arrays."""
    seek = ["-ss", f"{at_sec:.3f}"] if at_sec is not None else []
    frames = ["-frames:v", "1"] if at_sec is not None else []
    command = [
        ffmpeg_executable(),
        *("-hide_banner", "-loglevel", "error", "-nostdin", *seek, "-i", str(video), *frames),
        *("-vf", f"scale={width}:{height}:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"),
    ]
    result = subprocess.run(command, check=True, capture_output=True, timeout=60)
    return np.frombuffer(result.stdout, dtype=np.uint8).reshape(-1, height, width, 3)
