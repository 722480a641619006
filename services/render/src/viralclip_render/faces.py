"""Finding faces in a clip: frames sampled a few times a second through ffmpeg, OpenCV's Haar cascade.

The cascade ships inside the `opencv-python-headless` wheel (`cv2.data.haarcascades`), so nothing is
downloaded. Frames are decoded by ffmpeg (through the media package's runner) straight to small grey
raw frames on standard output; detection runs in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from viralclip_media import FfmpegRunner

from .facetrack import FaceSample
from .plan import analysis_size, sample_frames_args
from .sizes import FrameSize

CASCADE = "haarcascade_frontalface_default.xml"
SAMPLE_FPS = 3.0
ANALYSIS_WIDTH = 480
"""Sampled frames are 480 px wide (270 lines for 16:9): the cascade's 24-px window then finds faces from
9 % of the frame's height, the size of a speaker in a wide two-person podcast shot."""
MIN_FACE_PX = 24


@dataclass(frozen=True)
class FaceScan:
    """How the face pass samples a clip."""

    fps: float = SAMPLE_FPS
    width: int = ANALYSIS_WIDTH


async def scan_faces(
    runner: FfmpegRunner,
    source: Path,
    source_size: FrameSize,
    start_sec: float,
    duration_sec: float,
    *,
    timeout_sec: float,
    scan: FaceScan | None = None,
) -> list[FaceSample]:
    """The largest face's centre on each sampled frame of the clip (None where there is none).

    FfmpegError when the frames cannot be decoded.
    """
    scan = scan or FaceScan()
    size = analysis_size(source_size, scan.width)
    args = sample_frames_args(source, start_sec, duration_sec, scan.fps, size)
    result = await runner.run(args, timeout_sec=timeout_sec, capture_stdout=True)
    result.check("while sampling frames for face detection")
    frames = raw_frames(result.stdout, size)
    return await asyncio.to_thread(detect_faces, frames, scan.fps)


def raw_frames(data: bytes, size: FrameSize) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """Grey raw frames (`size`, one byte a pixel) as an array of shape (frames, height, width)."""
    frame_bytes = size.width * size.height
    count = len(data) // frame_bytes
    return np.frombuffer(data[: count * frame_bytes], dtype=np.uint8).reshape(count, size.height, size.width)


def detect_faces(frames: np.ndarray[Any, np.dtype[np.uint8]], fps: float) -> list[FaceSample]:
    """Per frame (the k-th at k/fps seconds), the centre of its largest face as frame fractions."""
    cascade = _cascade()  # one per call: a classifier is not safe to share between threads
    samples: list[FaceSample] = []
    for index, frame in enumerate(frames):
        height, width = frame.shape
        found = cascade.detectMultiScale(
            frame, scaleFactor=1.1, minNeighbors=5, minSize=(MIN_FACE_PX, MIN_FACE_PX)
        )
        t = index / fps
        if len(found) == 0:
            samples.append(FaceSample(t, None, None))
            continue
        x, y, w, h = max(found, key=lambda box: box[2] * box[3])
        samples.append(FaceSample(t, float((x + w / 2) / width), float((y + h / 2) / height)))
    return samples


def _cascade() -> Any:
    directory = Path(cv2.data.haarcascades)  # type: ignore[attr-defined]  # missing from cv2's stubs
    classifier = cv2.CascadeClassifier(str(directory / CASCADE))
    if classifier.empty():
        raise RuntimeError(f"OpenCV's {CASCADE} could not be loaded from {directory}")
    return classifier
