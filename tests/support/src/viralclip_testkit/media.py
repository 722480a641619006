"""Real test videos made with ffmpeg, and a way to read the pixels of the images cut from them.

`write_timestamp_video` draws frames whose colour tells the second they belong to (see
`colour_at_second`), with a black bar on the left and a white bar on the right outside the central
9:16 column, so a thumbnail's pixels show both *when* it was taken and *where* it was cropped.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from viralclip_media import FfmpegRunner, locate_ffmpeg, probe_media

FRAME_WIDTH = 1280
FRAME_HEIGHT = 720
BAR_WIDTH = 436
"""Width of the black (left) and white (right) bars; the 408-px column between them holds the
time colour and contains a centred 9:16 crop of the 1280x720 frame (405 px wide)."""

BLACK = (0, 0, 0)
WHITE = (255, 255, 255)
_LEVEL = 85
_COLOURS = 62
"""Second `s` gets colour index `s % 62 + 1` of a 4x4x4 cube at levels 0/85/170/255; index 0
(black) and 63 (white) are left out so they never clash with the bars."""


def ffmpeg_executable() -> str:
    """The system ffmpeg when on PATH, else the static binary of the `imageio-ffmpeg` wheel."""
    return locate_ffmpeg()


def colour_at_second(second: int) -> tuple[int, int, int]:
    """The RGB colour the timestamp video shows during `second` (0-based)."""
    index = second % _COLOURS + 1
    return (_LEVEL * (index % 4), _LEVEL * (index // 4 % 4), _LEVEL * (index // 16))


def second_from_colour(rgb: tuple[int, int, int], duration_sec: int) -> int:
    """The second in `[0, duration_sec)` whose colour is nearest to `rgb` (valid up to 62 s)."""
    if duration_sec > _COLOURS:
        raise ValueError(f"duration_sec: colours repeat after {_COLOURS} s, got {duration_sec}")
    return min(range(duration_sec), key=lambda s: _distance(colour_at_second(s), rgb))


def colour_matches(actual: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    """Whether two colours agree within what YUV 4:2:0 and JPEG rounding can change (< 40/255)."""
    return max(abs(a - e) for a, e in zip(actual, expected, strict=True)) < 40


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True))


def write_timestamp_video(
    path: Path,
    duration_sec: int,
    fps: int = 5,
    *,
    size: tuple[int, int] = (FRAME_WIDTH, FRAME_HEIGHT),
    audio: bool = False,
) -> Path:
    """Write an H.264 MP4 (1280x720 unless `size` says otherwise; bars scaled with it) whose central
    column's colour encodes the second (2 s GOP); `audio` adds a 440 Hz AAC tone."""
    width, height = size
    bar = round(BAR_WIDTH * width / FRAME_WIDTH)
    second = f"mod(floor(N/{fps}),{_COLOURS})+1"
    colour = (
        f"geq=r='{_LEVEL}*mod({second},4)'"
        f":g='{_LEVEL}*mod(floor(({second})/4),4)'"
        f":b='{_LEVEL}*floor(({second})/16)'"
    )
    bars = (
        f"drawbox=x=0:y=0:w={bar}:h={height}:color=black:t=fill,"
        f"drawbox=x={width - bar}:y=0:w={bar}:h={height}:color=white:t=fill"
    )
    graph = f"{colour},scale={width}:{height}:flags=neighbor,format=yuv420p,{bars}"
    source = f"color=c=black:s=16x9:r={fps}:d={duration_sec}"
    tone = ["-f", "lavfi", "-i", f"sine=f=440:d={duration_sec}", "-c:a", "aac"] if audio else []
    _encode(path, ["-f", "lavfi", "-i", source, *tone, "-vf", graph, "-g", str(2 * fps)], timeout=120)
    return path


def write_blank_video(path: Path, duration_sec: float) -> Path:
    """Write the cheapest real video of `duration_sec`: 16x16 black frames, one a second (a file a
    registration probes, when the pixels do not matter)."""
    source = f"color=c=black:s=16x16:r=1:d={duration_sec:g}"
    _encode(path, ["-f", "lavfi", "-i", source, "-g", "600"], timeout=120)
    return path


def rotated_for_display(source: Path, path: Path, degrees: int) -> Path:
    """A copy of `source` (streams copied, not re-encoded) whose display matrix turns its frames
    `degrees` counter-clockwise, as a phone stores a portrait recording: landscape frames, turned."""
    command = [
        ffmpeg_executable(),
        *("-hide_banner", "-loglevel", "error", "-nostdin", "-y"),
        *("-display_rotation:v", str(degrees), "-i", str(source), "-c", "copy", str(path)),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return path


def write_long_video(path: Path, duration_sec: int, fps: int = 2, gop_sec: int = 4) -> Path:
    """Write a textured 1280x720 H.264 MP4 quickly (low frame rate, ultrafast preset)."""
    source = f"testsrc2=s={FRAME_WIDTH}x{FRAME_HEIGHT}:r={fps}:d={duration_sec}"
    _encode(path, ["-f", "lavfi", "-i", source, "-g", str(gop_sec * fps)], timeout=600)
    return path


def cached_long_video(minutes: int, cache_dir: Path, fps: int = 2, gop_sec: int = 4) -> Path:
    """A long 720p benchmark video in `cache_dir`, generated on first use and shared by the benchmarks."""
    path = cache_dir / f"long-720p-{minutes}min-{fps}fps-gop{gop_sec}s.mp4"
    if not path.exists():
        write_long_video(path, minutes * 60, fps=fps, gop_sec=gop_sec)
    return path


def _encode(path: Path, inputs_and_filters: list[str], timeout: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part.mp4")
    command = [
        ffmpeg_executable(),
        *("-hide_banner", "-loglevel", "error", "-nostdin", "-y"),
        *inputs_and_filters,
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
        str(partial),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=timeout)
    partial.replace(path)


@dataclass(frozen=True)
class RgbImage:
    """A decoded image: rows of RGB triples."""

    width: int
    height: int
    data: bytes

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        """The RGB value at column `x`, row `y`."""
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise IndexError(f"pixel ({x}, {y}) outside {self.width}x{self.height}")
        offset = 3 * (y * self.width + x)
        r, g, b = self.data[offset : offset + 3]
        return (r, g, b)


def read_rgb(image_path: Path, width: int, height: int) -> RgbImage:
    """Decode an image file with ffmpeg into RGB pixels; it must be `width` x `height`."""
    command = [
        ffmpeg_executable(),
        *("-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(image_path)),
        *("-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"),
    ]
    result = subprocess.run(command, check=True, capture_output=True, timeout=30)
    if len(result.stdout) != 3 * width * height:
        raise ValueError(f"{image_path}: decoded {len(result.stdout)} bytes, expected {width}x{height} RGB")
    return RgbImage(width, height, result.stdout)


async def read_video_frame(runner: FfmpegRunner, video_path: Path, at_sec: float) -> RgbImage:
    """The frame of a video shown at `at_sec` seconds (input seeking), decoded to RGB pixels."""
    info = await probe_media(runner, video_path, timeout_sec=30)
    args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-ss", f"{at_sec:.3f}", "-i", str(video_path)]
    args += ["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
    result = (await runner.run(args, timeout_sec=30, capture_stdout=True)).check(f"decoding {video_path}")
    turned = info.rotation in (90, 270)  # ffmpeg turns frames upright as it decodes
    width, height = (info.pixel_height, info.pixel_width) if turned else (info.pixel_width, info.pixel_height)
    if len(result.stdout) != 3 * width * height:
        raise ValueError(f"{video_path}: no whole frame at {at_sec:.3f} s ({len(result.stdout)} bytes)")
    return RgbImage(width, height, result.stdout)
