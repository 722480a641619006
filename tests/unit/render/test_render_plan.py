"""The render's ffmpeg arguments: accurate cut, encoder, audio, and filter-graph escaping."""

import shutil
import subprocess
from pathlib import Path

from viralclip_contracts import AspectRatio
from viralclip_render.captions import CaptionLine, CaptionWord, caption_document
from viralclip_render.fonts import FONT_FILE, fonts_dir
from viralclip_render.plan import (
    LOUDNORM,
    CaptionFiles,
    RenderPlan,
    analysis_size,
    filter_graph,
    filter_value,
    render_args,
    sample_frames_args,
)
from viralclip_render.reframe import center_graph
from viralclip_render.sizes import FrameSize
from viralclip_testkit.media import ffmpeg_executable


def plan(**overrides: object) -> RenderPlan:
    values: dict[str, object] = {
        "source": Path("/media/videos/v.mp4"),
        "start_sec": 12.345,
        "duration_sec": 30.0,
        "graph": center_graph(AspectRatio.PORTRAIT, FrameSize(1080, 1920), "framed"),
        "output": Path("/media/exports/.work/e-1/e-1.part.mp4"),
    }
    return RenderPlan(**{**values, **overrides})  # type: ignore[arg-type]


def after(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_the_cut_seeks_the_input_and_re_encodes_h264_high_and_aac_with_faststart() -> None:
    args = render_args(plan())

    assert args.index("-ss") < args.index("-i")
    assert after(args, "-ss") == "12.345"
    assert after(args, "-t") == "30.000"
    assert "copy" not in args
    assert (after(args, "-c:v"), after(args, "-profile:v"), after(args, "-pix_fmt")) == (
        "libx264",
        "high",
        "yuv420p",
    )
    assert after(args, "-c:a") == "aac"
    assert after(args, "-movflags") == "+faststart"
    assert args[-3:] == ["-f", "mp4", "/media/exports/.work/e-1/e-1.part.mp4"]
    assert "-af" not in args


def test_loudness_normalisation_is_asked_for_and_needs_sound() -> None:
    assert after(render_args(plan(loudness_normalize=True)), "-af") == LOUDNORM
    assert "-af" not in render_args(plan(loudness_normalize=True, source_has_audio=False))


def test_a_silent_source_gets_a_silent_aac_track() -> None:
    args = render_args(plan(source_has_audio=False))

    assert args.count("-i") == 2
    assert after(args, "-map") == "[v]"
    assert args[args.index("-map", args.index("-map") + 1) + 1] == "1:a:0"


def test_captions_are_burned_after_the_reframe_with_the_shipped_fonts() -> None:
    files = CaptionFiles(Path("/w/captions.ass"), fonts_dir())
    graph = filter_graph(plan(captions=files))

    assert graph.index("crop=") < graph.index("ass=")
    assert f"fontsdir={filter_value(str(fonts_dir()))}" in graph
    assert graph.endswith("[v]")
    assert (fonts_dir() / FONT_FILE).is_file()
    assert sorted(p.name for p in fonts_dir().iterdir()) == [FONT_FILE]


def test_paths_with_graph_syntax_in_them_survive_escaping(tmp_path: Path) -> None:
    odd = tmp_path / "a:b,c'd[e];f"
    odd.mkdir()
    shutil.copy(fonts_dir() / FONT_FILE, odd / FONT_FILE)
    subtitles = odd / "c.ass"
    lines = [CaptionLine((CaptionWord("X", 0.0, 5.0),))]
    caption_document(lines, FrameSize(64, 64), AspectRatio.SQUARE).save(str(subtitles))
    graph = (
        f"color=c=black:s=64x64:d=1,ass=filename={filter_value(str(subtitles))}"
        f":fontsdir={filter_value(str(odd))}"
    )
    command = [ffmpeg_executable(), "-v", "error", "-f", "lavfi", "-i", graph, "-frames:v", "1"]
    result = subprocess.run(
        [*command, "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, timeout=60, check=True
    )

    assert max(result.stdout) > 200, "the caption was not drawn"


def test_faces_are_looked_for_on_small_grey_frames_of_the_clip_only() -> None:
    size = analysis_size(FrameSize(1920, 1080), 320)
    args = sample_frames_args(Path("/v.mp4"), 5.0, 20.0, 3.0, size)

    assert size == FrameSize(320, 180)
    assert args.index("-ss") < args.index("-i")
    assert "fps=3" in after(args, "-vf")
    assert "scale=320:180" in after(args, "-vf")
    assert args[-5:] == ["-pix_fmt", "gray", "-f", "rawvideo", "pipe:1"]
    assert analysis_size(FrameSize(200, 100), 320) == FrameSize(200, 100)
    assert after(args, "-skip_frame:v") == "noref"
    assert "-skip_frame:v" not in sample_frames_args(Path("/v.mp4"), 5.0, 20.0, 3.0, size, skip_noref=False)
    assert "-threads:v" not in args  # the decoder chooses, unless told
    one_thread = sample_frames_args(Path("/v.mp4"), 5.0, 20.0, 3.0, size, threads=1)
    assert after(one_thread, "-threads:v") == "1"
    assert one_thread.index("-threads:v") < one_thread.index("-i")
