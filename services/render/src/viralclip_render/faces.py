"""Finding faces in a clip: frames sampled a few times a second through ffmpeg, OpenCV's Haar cascade.

The cascade ships inside the `opencv-python-headless` wheel (`cv2.data.haarcascades`), so nothing is
downloaded. Frames are decoded by ffmpeg (through the media package's runner) straight to small grey
raw frames on standard output; detection runs in a worker thread, off the event loop.

The pass comes before the render can start, with the cores otherwise idle, so a long clip is cut into
consecutive segments scanned at once (one per core, one decoder thread each): measured on a 60-s 1080p
clip on two cores, the pass took 5.0 s in one piece and 4.0 s in two, the same 8 CPU-s either way.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from dataclasses import dataclass, field
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
FULL_SEARCH_EVERY = 6
"""Frames between whole-frame searches (2 s at 3 frames a second)."""
IDLE_SEARCH_EVERY = 2
_WHOLE_FRAME: dict[str, Any] = {"scaleFactor": 1.1, "minNeighbors": 5}
_NEAR: dict[str, Any] = {"scaleFactor": 1.1, "minNeighbors": 3}
"""Near a face just found, fewer overlapping detections confirm it: with 5, a 26-px face crossing a
1080p frame was lost on 16 of 129 frames that followed one where it was found, with 3 on none."""
_LARGER: dict[str, Any] = {"scaleFactor": 1.2, "minNeighbors": 5}
LARGER_BY = 1.25
"""A face takes the place of the one followed only when it is this much wider: two faces of about the
same size (a two-person shot) do not make the camera swap between them at every search."""


MIN_SEGMENT_SEC = 10.0
"""A clip is cut into segments scanned at once only where each gets at least this much."""


@dataclass(frozen=True)
class FaceScan:
    """How the face pass samples a clip: `fps` frames a second, `width` pixels wide, in up to
    `segments` segments at once of at least `min_segment_sec` each."""

    fps: float = SAMPLE_FPS
    width: int = ANALYSIS_WIDTH
    segments: int = field(default_factory=lambda: os.cpu_count() or 1)
    min_segment_sec: float = MIN_SEGMENT_SEC


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
    deadline = time.monotonic() + timeout_sec
    segments = scan_segments(duration_sec, scan)
    threads = 1 if len(segments) > 1 else 0
    parts = await asyncio.gather(
        *(
            _scan_segment(runner, source, start_sec + offset, length, scan, size, deadline, threads)
            for offset, length in segments
        )
    )
    samples: list[FaceSample] = []
    for index, ((offset, length), part) in enumerate(zip(segments, parts, strict=True)):
        last = index == len(segments) - 1
        # a segment's fps filter may emit a frame at its very end: the next segment's first sample
        samples.extend(
            FaceSample(offset + sample.t, sample.x, sample.y)
            for sample in part
            if last or sample.t < length - 0.5 / scan.fps
        )
    return samples


def scan_segments(duration_sec: float, scan: FaceScan) -> list[tuple[float, float]]:
    """(offset, length) of each segment of the clip, consecutive, each a whole number of samples long
    (so every segment's samples fall on the whole clip's sampling grid) except perhaps the last."""
    count = max(1, min(scan.segments, int(duration_sec // scan.min_segment_sec)))
    step = math.ceil(duration_sec / count * scan.fps) / scan.fps
    offsets = [index * step for index in range(count) if index * step < duration_sec]
    return [(offset, min(step, duration_sec - offset)) for offset in offsets]


async def _scan_segment(
    runner: FfmpegRunner,
    source: Path,
    start_sec: float,
    duration_sec: float,
    scan: FaceScan,
    size: FrameSize,
    deadline: float,
    threads: int,
) -> list[FaceSample]:
    async def sample(skip_noref: bool) -> np.ndarray[Any, np.dtype[np.uint8]]:
        args = sample_frames_args(
            source, start_sec, duration_sec, scan.fps, size, skip_noref=skip_noref, threads=threads
        )
        timeout = max(0.001, deadline - time.monotonic())
        result = await runner.run(args, timeout_sec=timeout, capture_stdout=True)
        result.check("while sampling frames for face detection")
        return raw_frames(result.stdout, size)

    frames = await sample(skip_noref=True)
    if len(frames) < 0.5 * duration_sec * scan.fps:  # a stream whose frames are all non-reference
        frames = await sample(skip_noref=False)
    return await asyncio.to_thread(detect_faces, frames, scan.fps)


def raw_frames(data: bytes, size: FrameSize) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """Grey raw frames (`size`, one byte a pixel) as an array of shape (frames, height, width)."""
    frame_bytes = size.width * size.height
    count = len(data) // frame_bytes
    return np.frombuffer(data[: count * frame_bytes], dtype=np.uint8).reshape(count, size.height, size.width)


Box = tuple[int, int, int, int]


def detect_faces(frames: np.ndarray[Any, np.dtype[np.uint8]], fps: float) -> list[FaceSample]:
    """Per frame (the k-th at k/fps seconds), the centre of its largest face as frame fractions."""
    finder = FaceFinder()
    samples: list[FaceSample] = []
    for index, frame in enumerate(frames):
        centre = finder.centre(frame)
        x, y = centre if centre is not None else (None, None)
        samples.append(FaceSample(index / fps, x, y))
    return samples


class FaceFinder:
    """The largest face on each of a clip's sampled frames, given in order (see `_find`), with a
    classifier of its own: one is not safe to share between threads."""

    def __init__(self) -> None:
        self.cascade = _cascade()
        self.last: Box | None = None
        self.index = 0

    def centre(self, frame: np.ndarray[Any, np.dtype[np.uint8]]) -> tuple[float, float] | None:
        """The centre of the next frame's face (grey, one byte a pixel) as fractions of the frame."""
        self.last = _find(self.cascade, frame, self.last, self.index)
        self.index += 1
        if self.last is None:
            return None
        height, width = frame.shape
        x, y, w, h = self.last
        return (x + w / 2) / width, (y + h / 2) / height


def _find(
    cascade: Any, frame: np.ndarray[Any, np.dtype[np.uint8]], last: Box | None, index: int
) -> Box | None:
    """The largest face on the `index`-th frame, given the one found on the frame before.

    A whole-frame search (every scale from 24 px up) costs ~30x a search near the last face at about
    its size, so once a face is found the next frames look there first, and the whole frame is searched
    again only when that fails. Every `FULL_SEARCH_EVERY` frames the whole frame is searched for a
    face `LARGER_BY` wider than the one followed (one that has come into view), in coarser steps of
    size: a search that starts at a larger size and takes fewer steps costs less (on a 1080p frame of
    fine texture, 44 ms against 122 ms for every size from 24 px). While no face is in view only every
    `IDLE_SEARCH_EVERY`-th frame is searched (the gaps are held).
    """
    if last is None:
        return _search(cascade, frame, MIN_FACE_PX) if index % IDLE_SEARCH_EVERY == 0 else None
    near = _near(cascade, frame, last)
    if near is None:
        return _search(cascade, frame, MIN_FACE_PX)
    if index % FULL_SEARCH_EVERY == 0:
        return _search(cascade, frame, math.ceil(LARGER_BY * near[2]), _LARGER) or near
    return near


def _search(
    cascade: Any,
    frame: np.ndarray[Any, np.dtype[np.uint8]],
    smallest: int,
    search: dict[str, Any] = _WHOLE_FRAME,
) -> Box | None:
    """The largest face of the whole frame at least `smallest` pixels wide."""
    return _largest(cascade.detectMultiScale(frame, **search, minSize=(smallest, smallest)))


def _near(cascade: Any, frame: np.ndarray[Any, np.dtype[np.uint8]], last: Box) -> Box | None:
    """The face near `last` (within one face size of it, 0.7–1.4 times its size), in frame pixels."""
    x, y, w, h = last
    height, width = frame.shape
    left, top = max(0, x - w), max(0, y - h)
    right, bottom = min(width, x + 2 * w), min(height, y + 2 * h)
    smallest, largest = max(MIN_FACE_PX, int(0.7 * w)), int(1.4 * w) + 1
    found = cascade.detectMultiScale(
        frame[top:bottom, left:right], **_NEAR, minSize=(smallest, smallest), maxSize=(largest, largest)
    )
    box = _largest(found)
    return None if box is None else (box[0] + left, box[1] + top, box[2], box[3])


def _largest(found: Any) -> Box | None:
    if len(found) == 0:
        return None
    x, y, w, h = max(found, key=lambda box: box[2] * box[3])
    return int(x), int(y), int(w), int(h)


def _cascade() -> Any:
    directory = Path(cv2.data.haarcascades)  # type: ignore[attr-defined]  # missing from cv2's stubs
    classifier = cv2.CascadeClassifier(str(directory / CASCADE))
    if classifier.empty():
        raise RuntimeError(f"OpenCV's {CASCADE} could not be loaded from {directory}")
    return classifier
