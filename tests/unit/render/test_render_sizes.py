import pytest

from viralclip_contracts import AspectRatio, RenderResolution
from viralclip_render.sizes import FrameSize, output_size


@pytest.mark.parametrize(
    ("aspect", "resolution", "expected"),
    [
        (AspectRatio.PORTRAIT, RenderResolution.HD_1080, FrameSize(1080, 1920)),
        (AspectRatio.SQUARE, RenderResolution.HD_1080, FrameSize(1080, 1080)),
        (AspectRatio.FEED, RenderResolution.HD_1080, FrameSize(1080, 1350)),
        (AspectRatio.LANDSCAPE, RenderResolution.HD_1080, FrameSize(1920, 1080)),
        (AspectRatio.PORTRAIT, RenderResolution.HD_720, FrameSize(720, 1280)),
        (AspectRatio.SQUARE, RenderResolution.HD_720, FrameSize(720, 720)),
        (AspectRatio.FEED, RenderResolution.HD_720, FrameSize(720, 900)),
        (AspectRatio.LANDSCAPE, RenderResolution.HD_720, FrameSize(1280, 720)),
    ],
)
def test_every_ratio_has_its_platform_size(
    aspect: AspectRatio, resolution: RenderResolution, expected: FrameSize
) -> None:
    assert output_size(aspect, resolution) == expected
