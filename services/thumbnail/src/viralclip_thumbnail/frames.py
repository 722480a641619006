"""One thumbnail: the frame at a moment, centre-cropped to an aspect ratio, scaled, as a JPEG.

The service decodes in-process (`viralclip_media.stills`, one open of the video per worker for the
whole batch) and writes the JPEG with `write_still`; `extract_frame` runs one ffmpeg process for one
frame, the fallback for a video the in-process decoder cannot read. Both seek the same way (to the
keyframe before the moment, then decode up to it: ffmpeg's input seeking, `-ss` before `-i`) and use
the same filter chain. Files are written under a temporary name and renamed into place, so a thumbnail
that exists is complete and is reused.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from viralclip_contracts import AspectRatio
from viralclip_media import FfmpegError, FfmpegRunner, StillRequest

from .jpeg import InvalidJpeg, jpeg_dimensions

DEFAULT_LONG_SIDE = 640
_NO_FRAME = "Nothing was written into output file"
JPEG_QUALITY = 3
"""mjpeg `-q:v` scale: 2 (best) … 31 (worst); 3 is visually clean at ~20–60 kB for 640 px."""


def thumbnail_size(aspect: AspectRatio, long_side: int = DEFAULT_LONG_SIDE) -> tuple[int, int]:
    """(width, height) of a thumbnail: the long side is `long_side`, the short side follows the ratio."""
    if long_side < 16:
        raise ValueError(f"long_side must be at least 16 px, got {long_side}")
    ratio = aspect.width_to_height
    if ratio >= 1:
        return long_side, max(1, round(long_side / ratio))
    return max(1, round(long_side * ratio)), long_side


def crop_and_scale_filter(aspect: AspectRatio, size: tuple[int, int]) -> str:
    """ffmpeg filter graph: square the pixels, take the largest centred crop of `aspect`, scale."""
    width, height = aspect.value.split(":")
    return ",".join(
        (
            "scale='trunc(iw*sar/2)*2':ih",
            "setsar=1",
            f"crop='min(iw,ih*{width}/{height})':'min(ih,iw*{height}/{width})'",
            f"scale={size[0]}:{size[1]}",
        )
    )


def extract_frame_args(
    source: Path, at_sec: float, aspect: AspectRatio, size: tuple[int, int], dest: Path
) -> list[str]:
    """ffmpeg arguments that write the frame at `at_sec` of `source` as a JPEG to `dest`."""
    return [
        *("-hide_banner", "-loglevel", "error", "-nostdin", "-y"),
        *("-ss", f"{at_sec:.3f}", "-i", str(source)),
        *("-frames:v", "1", "-an", "-sn", "-dn"),
        *("-vf", crop_and_scale_filter(aspect, size)),
        *("-c:v", "mjpeg", "-q:v", str(JPEG_QUALITY), "-f", "image2", "-update", "1"),
        str(dest),
    ]


@dataclass(frozen=True)
class FrameRequest:
    """One thumbnail to make: the moment of `source` and where the JPEG goes."""

    source: Path
    at_sec: float
    aspect: AspectRatio
    size: tuple[int, int]
    dest: Path


def still_request(request: FrameRequest) -> StillRequest:
    """The in-process decoder's request for this thumbnail: the same moment and filter chain."""
    return StillRequest(at_sec=request.at_sec, filters=crop_and_scale_filter(request.aspect, request.size))


def write_still(request: FrameRequest, jpeg: bytes) -> None:
    """Check `jpeg` (complete, the requested size) and put it at `dest` atomically; FfmpegError if bad."""
    request.dest.parent.mkdir(parents=True, exist_ok=True)
    partial = request.dest.with_name(f".{request.dest.name}.{uuid.uuid4().hex}.part")
    try:
        partial.write_bytes(jpeg)
        _check_output(partial, request)
        os.replace(partial, request.dest)
    finally:
        partial.unlink(missing_ok=True)


def existing_thumbnail(request: FrameRequest) -> bool:
    """Whether `dest` already holds a complete JPEG of the requested size (so no work is needed)."""
    try:
        return jpeg_dimensions(request.dest.read_bytes()) == request.size
    except (FileNotFoundError, InvalidJpeg):
        return False


async def extract_frame(runner: FfmpegRunner, request: FrameRequest, *, timeout_sec: float) -> bool:
    """Write the thumbnail unless a valid one exists; True when ffmpeg ran. FfmpegError on failure."""
    if existing_thumbnail(request):
        return False
    request.dest.parent.mkdir(parents=True, exist_ok=True)
    partial = request.dest.with_name(f".{request.dest.name}.{uuid.uuid4().hex}.part")
    try:
        args = extract_frame_args(request.source, request.at_sec, request.aspect, request.size, partial)
        await _run_checked(runner, args, request, timeout_sec)
        _check_output(partial, request)
        os.replace(partial, request.dest)
    finally:
        partial.unlink(missing_ok=True)
    return True


async def _run_checked(
    runner: FfmpegRunner, args: Sequence[str], request: FrameRequest, timeout_sec: float
) -> None:
    result = await runner.run(args, timeout_sec=timeout_sec)
    if result.returncode != 0 and _NO_FRAME in result.stderr:
        raise FfmpegError(_no_frame_message(request))
    if result.returncode != 0:
        raise FfmpegError(
            f"ffmpeg failed (exit {result.returncode}) on the frame at {request.at_sec:.2f} s: "
            f"{result.reason()}"
        )


def _no_frame_message(request: FrameRequest) -> str:
    return f"ffmpeg found no frame at {request.at_sec:.2f} s (is it past the end of the video?)"


def _check_output(partial: Path, request: FrameRequest) -> None:
    try:
        size = jpeg_dimensions(partial.read_bytes())
    except FileNotFoundError:
        raise FfmpegError(_no_frame_message(request)) from None
    except InvalidJpeg as error:
        raise FfmpegError(f"ffmpeg wrote a broken JPEG at {request.at_sec:.2f} s: {error}") from None
    if size != request.size:
        raise FfmpegError(f"ffmpeg wrote a {size[0]}x{size[1]} JPEG, expected {request.size}")
