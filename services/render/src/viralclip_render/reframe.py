"""The reframing part of the filter graph: how a source frame fills the output's aspect ratio.

Three modes, each a pure function returning ffmpeg filter-graph text from `[0:v]` to the label `out`:
- `center`: the largest centred crop of the ratio, scaled to the output size;
- `fit`: the whole frame, scaled to fit, between bands of a blurred copy of itself that fills the
  frame. The copy is blurred *small* (an eighth of the output size) and scaled up: a full-resolution blur
  costs as much as the encode (≈ +60 % measured), a small one nearly nothing. The bands are refreshed
  `BACKGROUND_FPS` times a second and held in between: a blurred field that changes on every frame cost
  x264 more than the whole centre crop (measured: 24 CPU-s against 20 for a 20-s cut), one held for
  two frames of three lets the encoder skip the bands there;
- `face`: the crop of `center`, its position following a `CropPath` over time (a piecewise-linear
  expression of `t` in the crop's `x`/`y`, evaluated per frame by ffmpeg), centred when there is none.
Pixels are made square first, so anamorphic sources are not distorted.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from viralclip_contracts import AspectRatio

from .sizes import FrameSize

SQUARE_PIXELS = "scale='trunc(iw*sar/2)*2':ih,setsar=1"
BACKGROUND_DOWNSCALE = 8
"""The blurred background of `fit` is made at 1/8 of the output size, then scaled up."""
BACKGROUND_BLUR_RADIUS = 6
"""Box-blur radius at the background's small size (≈ 48 px at the output size)."""
BACKGROUND_DIM = 0.75
"""Luma factor of the background, so the sharp foreground stands out."""
BACKGROUND_FPS = 10
"""How often the blurred bands change; the sharp foreground keeps the source's every frame."""


def crop_fraction(source: FrameSize, aspect: AspectRatio) -> tuple[float, float]:
    """(width, height) of the largest crop of `aspect` as fractions of the source frame (square pixels)."""
    source_ratio = source.width / source.height
    target = aspect.width_to_height
    if source_ratio > target:
        return target / source_ratio, 1.0
    return 1.0, source_ratio / target


def _fill_crop(aspect: AspectRatio) -> tuple[str, str]:
    width, height = aspect.value.split(":")
    return f"min(iw,ih*{width}/{height})", f"min(ih,iw*{height}/{width})"


def center_graph(aspect: AspectRatio, size: FrameSize, out: str) -> str:
    """Centre crop of the ratio, scaled to `size`."""
    crop_w, crop_h = _fill_crop(aspect)
    return (
        f"[0:v]{SQUARE_PIXELS},crop=w='{crop_w}':h='{crop_h}'"
        f",scale={size.width}:{size.height},setsar=1[{out}]"
    )


def fit_graph(aspect: AspectRatio, size: FrameSize, source: FrameSize, out: str) -> str:
    """The whole `source` frame (square pixels) scaled to fit `size`, centred between bands of a blurred,
    dimmed copy of itself that fills the frame.

    The foreground is padded to the output size, and the bands (above and below it, or left and right)
    are laid over the padding: the output keeps the foreground's timing, frame for frame, while the
    bands are held between their refreshes.
    """
    fitted = fitted_size(source, size)
    if fitted == size:  # the source already has the output's ratio: the whole frame is its centre crop
        return center_graph(aspect, size, out)
    left, top = _even_floor((size.width - fitted.width) / 2), _even_floor((size.height - fitted.height) / 2)
    if fitted.width == size.width:
        after = top + fitted.height
        bands = [(0, 0, size.width, top), (0, after, size.width, size.height - after)]
    else:
        after = left + fitted.width
        bands = [(0, 0, left, size.height), (after, 0, size.width - after, size.height)]
    bands = [band for band in bands if band[2] > 0 and band[3] > 0]
    crop_w, crop_h = _fill_crop(aspect)
    small = FrameSize(_even(size.width / BACKGROUND_DOWNSCALE), _even(size.height / BACKGROUND_DOWNSCALE))
    parts = [
        f"[0:v]{SQUARE_PIXELS},split=2[fitbg][fitfg]",
        f"[fitfg]scale={fitted.width}:{fitted.height},pad={size.width}:{size.height}:{left}:{top}[fit0]",
        f"[fitbg]fps={BACKGROUND_FPS},crop=w='{crop_w}':h='{crop_h}',"
        f"scale={small.width}:{small.height}:flags=fast_bilinear,"
        f"boxblur={BACKGROUND_BLUR_RADIUS}:2,lutyuv=y='val*{BACKGROUND_DIM}',"
        f"scale={size.width}:{size.height}:flags=bilinear,split={len(bands)}"
        + "".join(f"[fitbg{i}]" for i in range(len(bands))),
    ]
    for i, (x, y, width, height) in enumerate(bands):
        last = i == len(bands) - 1
        parts.append(f"[fitbg{i}]crop={width}:{height}:{x}:{y}[fitband{i}]")
        parts.append(
            f"[fit{i}][fitband{i}]overlay={x}:{y}:eval=init"
            + (f",setsar=1[{out}]" if last else f"[fit{i + 1}]")
        )
    return ";".join(parts)


def fitted_size(source: FrameSize, size: FrameSize) -> FrameSize:
    """`source` scaled to fit inside `size`, keeping its ratio, in even pixels."""
    scale = min(size.width / source.width, size.height / source.height)
    return FrameSize(
        min(size.width, _even(source.width * scale)), min(size.height, _even(source.height * scale))
    )


@dataclass(frozen=True)
class CropKey:
    """Where the crop's centre is at time `t` (seconds from the clip's start), as fractions of the
    source frame's width (`x`) and height (`y`)."""

    t: float
    x: float
    y: float


@dataclass(frozen=True)
class CropPath:
    """The moving crop's centre over the clip: keys in time order, linear in between, held at the ends."""

    keys: tuple[CropKey, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a crop path needs at least one key")
        if any(b.t <= a.t for a, b in itertools.pairwise(self.keys)):
            raise ValueError("crop path keys must be in strictly increasing time order")


def face_graph(aspect: AspectRatio, size: FrameSize, path: CropPath | None, out: str) -> str:
    """The crop of `center` whose centre follows `path`; exactly `center` when there is no path."""
    if path is None:
        return center_graph(aspect, size, out)
    crop_w, crop_h = _fill_crop(aspect)
    x = piecewise_linear([(key.t, key.x) for key in path.keys])
    y = piecewise_linear([(key.t, key.y) for key in path.keys])
    return (
        f"[0:v]{SQUARE_PIXELS},crop=w='{crop_w}':h='{crop_h}'"
        f":x='clip(iw*({x})-ow/2,0,iw-ow)':y='clip(ih*({y})-oh/2,0,ih-oh)'"
        f",scale={size.width}:{size.height},setsar=1[{out}]"
    )


def piecewise_linear(points: Sequence[tuple[float, float]]) -> str:
    """An ffmpeg expression of `t` through `points` (time, value): linear between them, constant outside.

    Written as a flat sum `v0 + Σ slope·clip(t-t_i, 0, t_{i+1}-t_i)`, not as nested `if`s, so a long path
    neither nests deeply nor costs more than one term per segment.
    """
    if not points:
        raise ValueError("a piecewise-linear expression needs at least one point")
    terms = [_number(points[0][1])]
    for (t0, v0), (t1, v1) in itertools.pairwise(points):
        if v1 == v0:
            continue
        slope = (v1 - v0) / (t1 - t0)
        terms.append(f"{_number(slope)}*clip(t-{_number(t0)},0,{_number(t1 - t0)})")
    return "+".join(terms).replace("+-", "-")


def _number(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _even(value: float) -> int:
    return max(2, 2 * round(value / 2))


def _even_floor(value: float) -> int:
    return 2 * int(value // 2)
