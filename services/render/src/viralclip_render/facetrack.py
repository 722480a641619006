"""From faces found on sampled frames to a smooth crop path (pure: no OpenCV, no ffmpeg).

Per axis, the face centres go through: gaps filled (the last seen position is held; before the first
face, the first one), a running median (one stray detection does not move the camera), then a camera with
a dead zone: it stays still while the face is within `dead_zone` of the crop's centre (a fraction of the
crop's size); once the face leaves it, the camera moves towards the face at no more than `max_speed` crop
sizes per second and keeps following while the face keeps moving (a walk across the frame is one smooth
pan, not a staircase), stopping once the face is centred and still. Keys that a straight line through
their neighbours already explains are dropped, so a still speaker yields a one-key path. No face on any
sample → no path (the `center` crop).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from .reframe import CropKey, CropPath

DEAD_ZONE = 0.2
"""How far (fraction of the crop's size) the face may drift from the crop's centre before it moves."""
MAX_SPEED = 1.0
"""Fastest camera move: crop sizes per second."""
MEDIAN_WINDOW = 5
SETTLE_SHARE = 0.25
"""A moving camera stops once the face is within this share of the dead zone and has stopped moving."""
SIMPLIFY_TOLERANCE = 0.002
"""A key is kept only if dropping it moves the path by more than this fraction of the frame."""


@dataclass(frozen=True)
class FaceSample:
    """The chosen face's centre on the frame sampled at `t` (clip seconds), as fractions of the frame,
    or None when no face was found there."""

    t: float
    x: float | None
    y: float | None


@dataclass(frozen=True)
class TrackOptions:
    """How the camera follows the face."""

    dead_zone: float = DEAD_ZONE
    max_speed: float = MAX_SPEED
    median_window: int = MEDIAN_WINDOW


def crop_path(
    samples: Sequence[FaceSample], crop: tuple[float, float], options: TrackOptions | None = None
) -> CropPath | None:
    """The crop's centre over time for a crop of `crop` (width, height fractions of the frame)."""
    options = options or TrackOptions()
    found = [s for s in samples if s.x is not None and s.y is not None]
    if not found:
        return None
    times = [s.t for s in samples]
    xs = _camera(times, [s.x for s in samples], crop[0], options)
    ys = _camera(times, [s.y for s in samples], crop[1], options)
    keys = [CropKey(t, x, y) for t, x, y in zip(times, xs, ys, strict=True)]
    return CropPath(tuple(_simplify(keys)))


def _camera(
    times: Sequence[float], faces: Sequence[float | None], crop: float, options: TrackOptions
) -> list[float]:
    low, high = crop / 2, 1 - crop / 2
    if high <= low:
        return [0.5] * len(times)
    targets = [_clamp(value, low, high) for value in _median(_filled(faces), options.median_window)]
    camera = DeadZoneCamera(crop, targets[0], options)
    steps = zip(itertools.pairwise(times), targets[1:], strict=True)
    return [targets[0], *(camera.follow(target, after - before) for (before, after), target in steps)]


class DeadZoneCamera:
    """One axis of the camera, at `start`: still while its target stays within the dead zone, then
    following it at no more than the top speed until the target is centred and still."""

    def __init__(self, crop: float, start: float, options: TrackOptions | None = None) -> None:
        self.crop = crop
        self.options = options or TrackOptions()
        self.position = start
        self.target = start
        self.moving = False

    def follow(self, target: float, elapsed_sec: float) -> float:
        """The position `elapsed_sec` after the previous one, for the target there."""
        settle = SETTLE_SHARE * self.options.dead_zone * self.crop
        if abs(target - self.position) > self.options.dead_zone * self.crop:
            self.moving = True
        if self.moving:
            step = self.options.max_speed * self.crop * elapsed_sec
            self.position += max(-step, min(step, target - self.position))
            still = abs(target - self.target) <= settle
            self.moving = not (still and abs(target - self.position) <= settle)
        self.target = target
        return self.position


def _filled(values: Sequence[float | None]) -> list[float]:
    first = next(v for v in values if v is not None)
    filled: list[float] = []
    last = first
    for value in values:
        last = value if value is not None else last
        filled.append(last)
    return filled


def _median(values: Sequence[float], window: int) -> list[float]:
    half = max(0, window // 2)
    return [statistics.median(values[max(0, i - half) : i + half + 1]) for i in range(len(values))]


def _simplify(keys: Sequence[CropKey]) -> list[CropKey]:
    kept = [0]
    for i in range(1, len(keys) - 1):
        if not all(_on_line(keys[kept[-1]], keys[j], keys[i + 1]) for j in range(kept[-1] + 1, i + 1)):
            kept.append(i)
    last = len(keys) - 1
    if last > 0 and (keys[last].x, keys[last].y) != (keys[kept[-1]].x, keys[kept[-1]].y):
        kept.append(last)
    return [keys[i] for i in kept]


def _on_line(before: CropKey, here: CropKey, after: CropKey) -> bool:
    share = (here.t - before.t) / (after.t - before.t)
    x = before.x + share * (after.x - before.x)
    y = before.y + share * (after.y - before.y)
    return abs(x - here.x) <= SIMPLIFY_TOLERANCE and abs(y - here.y) <= SIMPLIFY_TOLERANCE


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
