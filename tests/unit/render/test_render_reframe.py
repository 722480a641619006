"""The reframing graphs as text, and the crop path's expression evaluated the way ffmpeg would."""

import math

import pytest

from viralclip_contracts import AspectRatio
from viralclip_render.reframe import (
    BACKGROUND_FPS,
    CropKey,
    CropPath,
    center_graph,
    crop_fraction,
    face_graph,
    fit_graph,
    fitted_size,
    piecewise_linear,
)
from viralclip_render.sizes import FrameSize


def evaluate(expression: str, t: float) -> float:
    """ffmpeg's expression language restricted to what piecewise_linear writes (+, -, *, clip)."""
    value = eval(expression, {"__builtins__": {}}, {"t": t, "clip": lambda x, lo, hi: min(max(x, lo), hi)})
    assert isinstance(value, float | int)
    return float(value)


def test_the_path_expression_is_linear_between_keys_and_held_outside() -> None:
    points = [(0.0, 0.3), (2.0, 0.7), (3.0, 0.7), (5.0, 0.1)]
    expression = piecewise_linear(points)

    assert "if(" not in expression  # a flat sum: no nesting however long the path
    for t, expected in [(-1, 0.3), (0, 0.3), (1, 0.5), (2, 0.7), (2.5, 0.7), (4, 0.4), (5, 0.1), (9, 0.1)]:
        assert math.isclose(evaluate(expression, t), expected, abs_tol=1e-4), t


def test_a_still_path_is_a_constant() -> None:
    assert piecewise_linear([(0.0, 0.42)]) == "0.42"
    assert piecewise_linear([(0.0, 0.5), (3.0, 0.5)]) == "0.5"


def test_a_long_path_costs_one_term_per_moving_segment() -> None:
    points = [(i / 3, 0.5 + 0.2 * math.sin(i / 5)) for i in range(540)]  # 3 minutes sampled 3 times a second
    expression = piecewise_linear(points)

    assert expression.count("clip(") == 539
    assert math.isclose(evaluate(expression, 100.0), 0.5 + 0.2 * math.sin(300 / 5), abs_tol=1e-3)


def test_crop_fraction_is_the_largest_crop_of_the_ratio() -> None:
    landscape = FrameSize(1920, 1080)
    assert crop_fraction(landscape, AspectRatio.PORTRAIT) == pytest.approx((9 / 16 / (16 / 9), 1.0))
    assert crop_fraction(landscape, AspectRatio.LANDSCAPE) == pytest.approx((1.0, 1.0))
    assert crop_fraction(FrameSize(1080, 1920), AspectRatio.SQUARE) == pytest.approx((1.0, 9 / 16))


def test_every_graph_squares_pixels_and_ends_in_the_output_label_at_the_output_size() -> None:
    size = FrameSize(1080, 1920)
    path = CropPath((CropKey(0.0, 0.3, 0.5), CropKey(4.0, 0.6, 0.5)))
    for graph in (
        center_graph(AspectRatio.PORTRAIT, size, "framed"),
        fit_graph(AspectRatio.PORTRAIT, size, FrameSize(1920, 1080), "framed"),
        face_graph(AspectRatio.PORTRAIT, size, path, "framed"),
    ):
        assert graph.startswith("[0:v]scale='trunc(iw*sar/2)*2':ih,setsar=1")
        assert graph.endswith("[framed]")
        assert "scale=1080:1920" in graph


def test_fit_blurs_a_small_copy_not_the_full_frame() -> None:
    graph = fit_graph(AspectRatio.PORTRAIT, FrameSize(1080, 1920), FrameSize(1920, 1080), "framed")
    background = graph.split(";[fitbg]")[1].split(";")[0]

    assert (
        background.index("scale=136:240") < background.index("boxblur") < background.index("scale=1080:1920")
    )


def test_fit_holds_the_background_between_refreshes_and_keeps_every_foreground_frame() -> None:
    graph = fit_graph(AspectRatio.PORTRAIT, FrameSize(1080, 1920), FrameSize(1920, 1080), "framed")
    background = graph.split(";[fitbg]")[1].split(";")[0]
    foreground = graph.split(";[fitfg]")[1].split(";")[0]

    assert background.startswith(f"fps={BACKGROUND_FPS},")
    assert foreground == "scale=1080:608,pad=1080:1920:0:656[fit0]"  # the whole 16:9 frame, centred
    assert graph.count("overlay=") == 2  # a band above and one below, over the foreground's padding


@pytest.mark.parametrize(
    ("source", "size", "fitted"),
    [
        (FrameSize(1920, 1080), FrameSize(1080, 1920), FrameSize(1080, 608)),
        (FrameSize(1080, 1920), FrameSize(1920, 1080), FrameSize(608, 1080)),
        (FrameSize(1920, 1080), FrameSize(1920, 1080), FrameSize(1920, 1080)),
        (FrameSize(640, 480), FrameSize(1080, 1350), FrameSize(1080, 810)),
    ],
)
def test_the_fitted_foreground_keeps_the_source_ratio_inside_the_frame(
    source: FrameSize, size: FrameSize, fitted: FrameSize
) -> None:
    assert fitted_size(source, size) == fitted


def test_fit_of_a_frame_already_of_the_ratio_is_a_plain_scale() -> None:
    graph = fit_graph(AspectRatio.LANDSCAPE, FrameSize(1280, 720), FrameSize(1920, 1080), "o")

    assert "overlay" not in graph
    assert "boxblur" not in graph
    assert graph == center_graph(AspectRatio.LANDSCAPE, FrameSize(1280, 720), "o")
    assert graph.endswith("scale=1280:720,setsar=1[o]")


def test_face_without_a_path_is_the_centre_crop() -> None:
    size = FrameSize(720, 1280)
    assert face_graph(AspectRatio.PORTRAIT, size, None, "o") == center_graph(AspectRatio.PORTRAIT, size, "o")


def test_a_crop_path_refuses_unordered_keys() -> None:
    with pytest.raises(ValueError, match="increasing"):
        CropPath((CropKey(1.0, 0.5, 0.5), CropKey(1.0, 0.6, 0.5)))
