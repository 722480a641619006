"""Output frame sizes: each aspect ratio at the full-HD (1080-line) or the faster 720-line preset."""

from __future__ import annotations

from dataclasses import dataclass

from viralclip_contracts import AspectRatio, RenderResolution


@dataclass(frozen=True)
class FrameSize:
    """Width and height in (square) pixels."""

    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


_SHORT_SIDE = {RenderResolution.HD_1080: 1080, RenderResolution.HD_720: 720}


def output_size(aspect: AspectRatio, resolution: RenderResolution) -> FrameSize:
    """The rendered frame: the short side is the preset's lines, the long side follows the ratio (even).

    9:16 → 1080x1920, 1:1 → 1080x1080, 4:5 → 1080x1350, 16:9 → 1920x1080; at 720: 720x1280, 720x720,
    720x900, 1280x720.
    """
    short = _SHORT_SIDE[resolution]
    width, height = (int(part) for part in aspect.value.split(":"))
    if width <= height:
        return FrameSize(short, _even(short * height / width))
    return FrameSize(_even(short * width / height), short)


def _even(value: float) -> int:
    return 2 * round(value / 2)
