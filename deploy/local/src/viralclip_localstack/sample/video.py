"""Render the sample video for a timed `Video` with ffmpeg: 1280x720 H.264, speaker shots, names and title.

The picture comes from `picture`: `drawbox` fills each shot with its speaker's colour (switched by
`sendcmd` at the cuts), then libass draws names, the title and the rest. Fonts come from `fonts_dir` when
given (see `default_fonts_dir`), else from whatever fontconfig finds; with no font at all libass draws
nothing but the coloured shots still render, so generation never fails on a missing font.
"""

import asyncio
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from viralclip_contracts import Video
from viralclip_media import FfmpegError, FfmpegTimeout, ffmpeg_runner

from .picture import HEIGHT, WIDTH, build_ass, build_shot_commands

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
DEFAULT_FPS = 10


class SampleVideoError(RuntimeError):
    """ffmpeg could not render the sample video."""


def default_fonts_dir() -> Path | None:
    """The DejaVu font directory when this machine has it, else None (fontconfig decides)."""
    return DEJAVU_DIR if (DEJAVU_DIR / "DejaVuSans.ttf").is_file() else None


async def render_video(
    video: Video,
    out_path: Path,
    *,
    fps: int = DEFAULT_FPS,
    fonts_dir: Path | None = None,
    timeout_sec: float | None = None,
    ffmpeg: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Path:
    """Write `video`'s picture to `out_path` (MP4, H.264, 1280x720, `fps` frames/s); return the path.

    The default timeout grows with the duration. `env` replaces the ffmpeg process environment.
    """
    if not 1 <= fps <= 60:
        raise ValueError("fps: must be between 1 and 60")
    limit = timeout_sec if timeout_sec is not None else 60.0 + video.duration_sec
    with tempfile.TemporaryDirectory(prefix="viralclip-sample-") as workdir:
        work = Path(workdir)
        out, filters = await asyncio.to_thread(_prepare, video, out_path, work, fonts_dir)
        partial = out.with_name(f".{out.name}.partial.mp4")
        try:
            await _run(_arguments(video, fps, filters, partial), ffmpeg, cwd=work, timeout_sec=limit, env=env)
            await asyncio.to_thread(os.replace, partial, out)
        finally:
            await asyncio.to_thread(partial.unlink, missing_ok=True)
    return out


def _prepare(video: Video, out_path: Path, work: Path, fonts_dir: Path | None) -> tuple[Path, str]:
    """Create the output folder and write ffmpeg's inputs into `work`; return the output and filters."""
    out = out_path.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    (work / "shots.cmd").write_text(build_shot_commands(video, "drawbox@shot"), encoding="utf-8")
    (work / "picture.ass").write_text(build_ass(video), encoding="utf-8")
    # Filling a 32x18 frame and scaling it up is far cheaper than filling every 1280x720 frame.
    filters = (
        "sendcmd=f=shots.cmd,drawbox@shot=x=0:y=0:w=iw:h=ih:c=black:t=fill,"
        f"scale={WIDTH}:{HEIGHT}:flags=neighbor,format=yuv420p,ass=filename=picture.ass"
    )
    if fonts_dir is not None:
        # A symlink keeps the font path out of the filtergraph, so it needs no escaping.
        (work / "fonts").symlink_to(fonts_dir.resolve(), target_is_directory=True)
        filters += ":fontsdir=fonts"
    return out, filters


def _arguments(video: Video, fps: int, filters: str, out: Path) -> list[str]:
    canvas = f"color=c=black:s=32x18:r={fps}:d={video.duration_sec:.3f}"
    return [
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        *("-f", "lavfi", "-i", canvas),
        *("-vf", filters),
        *("-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-pix_fmt", "yuv420p"),
        *("-g", str(fps * 5), "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact"),
        *("-movflags", "+faststart", "-f", "mp4", str(out)),
    ]


async def _run(
    args: list[str], ffmpeg: str | None, *, cwd: Path, timeout_sec: float, env: Mapping[str, str] | None
) -> None:
    runner = ffmpeg_runner(ffmpeg)
    try:
        result = await runner.run(args, timeout_sec=timeout_sec, cwd=cwd, env=env)
    except FfmpegTimeout:
        raise SampleVideoError(f"ffmpeg did not finish the sample video within {timeout_sec:.0f} s") from None
    except FfmpegError as error:
        raise SampleVideoError(f"ffmpeg could not render the sample video: {error}") from None
    if result.returncode != 0:
        tail = result.stderr.strip()[-800:]
        raise SampleVideoError(f"ffmpeg failed rendering the sample video (exit {result.returncode}): {tail}")
