"""ffmpeg arguments of a render and of the face pass's frame sampling (pure: no process is started).

A render is one ffmpeg pass: input seeking (`-ss` before `-i`, so ffmpeg jumps to the keyframe before the
clip and decodes from there; with re-encoding the first frame is the clip's start, not that keyframe),
`-t` of the clip's duration, the filter graph (reframe, then captions burned by libass at the output
size), H.264 High profile yuv420p and AAC, `+faststart` (the index first, so a browser plays while
downloading), optional EBU R128 loudness normalisation, into an explicit MP4 file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .reframe import SQUARE_PIXELS
from .sizes import FrameSize

LOUDNORM = "loudnorm=I=-14:TP=-1.5:LRA=11"
"""-14 LUFS integrated, -1.5 dBTP: what the short-video platforms normalise to."""
AUDIO_RATE = 48_000
SILENCE = f"anullsrc=r={AUDIO_RATE}:cl=stereo"


@dataclass(frozen=True)
class EncoderSettings:
    """x264 and AAC settings; `threads` 0 lets ffmpeg choose (one per core)."""

    preset: str = "veryfast"
    crf: int = 21
    audio_bitrate: str = "160k"
    threads: int = 0


@dataclass(frozen=True)
class CaptionFiles:
    """An ASS document and the directory of the fonts it names."""

    subtitles: Path
    fonts_dir: Path


@dataclass(frozen=True)
class RenderPlan:
    """Everything one render needs: the cut, the frame graph (from `[0:v]` to `[framed]`), captions."""

    source: Path
    start_sec: float
    duration_sec: float
    graph: str
    output: Path
    source_has_audio: bool = True
    captions: CaptionFiles | None = None
    loudness_normalize: bool = False
    encoder: EncoderSettings = EncoderSettings()


FRAMED = "framed"
"""The label the reframing graph ends in; captions, when on, read it."""


def filter_graph(plan: RenderPlan) -> str:
    """The whole `-filter_complex`: the reframing graph, then captions, ending in `[v]`."""
    if plan.captions is None:
        return f"{plan.graph};[{FRAMED}]null[v]"
    subtitles = filter_value(str(plan.captions.subtitles))
    fonts = filter_value(str(plan.captions.fonts_dir))
    return f"{plan.graph};[{FRAMED}]ass=filename={subtitles}:fontsdir={fonts}:shaping=complex[v]"


def render_args(plan: RenderPlan) -> list[str]:
    """The ffmpeg arguments (without the executable) that write the clip to `plan.output`."""
    encoder = plan.encoder
    cut = ("-ss", _seconds(plan.start_sec), "-t", _seconds(plan.duration_sec))
    audio_input = () if plan.source_has_audio else ("-f", "lavfi", "-i", SILENCE)
    audio_map = "0:a:0" if plan.source_has_audio else "1:a:0"
    return [
        *("-hide_banner", "-loglevel", "error", "-nostdin", "-y"),
        *cut,
        *("-i", str(plan.source)),
        *audio_input,
        *("-filter_complex", filter_graph(plan)),
        *("-map", "[v]", "-map", audio_map),
        *("-t", _seconds(plan.duration_sec)),
        *("-c:v", "libx264", "-preset", encoder.preset, "-crf", str(encoder.crf)),
        *("-profile:v", "high", "-pix_fmt", "yuv420p"),
        *(("-threads", str(encoder.threads)) if encoder.threads > 0 else ()),
        *(("-af", LOUDNORM) if plan.loudness_normalize and plan.source_has_audio else ()),
        *("-c:a", "aac", "-b:a", encoder.audio_bitrate, "-ar", str(AUDIO_RATE), "-ac", "2"),
        *("-sn", "-dn", "-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4"),
        str(plan.output),
    ]


def analysis_size(source: FrameSize, width: int) -> FrameSize:
    """The size frames are sampled at for face detection: `width` wide (never wider than the source)."""
    target = min(width, source.width)
    target -= target % 2
    height = max(2, 2 * round(target * source.height / source.width / 2))
    return FrameSize(target, height)


def sample_frames_args(
    source: Path,
    start_sec: float,
    duration_sec: float,
    fps: float,
    size: FrameSize,
    *,
    skip_noref: bool = True,
    threads: int = 0,
) -> list[str]:
    """ffmpeg arguments that write `fps` grey frames a second of the clip, `size`, as raw bytes to
    standard output. The decoder skips its loop filter (deblocking does not help a face detector) and,
    with `skip_noref`, the frames no other frame refers to (most B-frames): the sampled frames are a
    few a second, so decoding every frame would be wasted — measured, it halves the pass. `threads` 0
    lets the decoder choose."""
    return [
        *("-hide_banner", "-loglevel", "error", "-nostdin"),
        *(("-threads:v", str(threads)) if threads > 0 else ()),
        *(("-skip_frame:v", "noref") if skip_noref else ()),
        *("-skip_loop_filter:v", "all", "-flags2:v", "+fast"),
        *("-ss", _seconds(start_sec), "-t", _seconds(duration_sec), "-i", str(source)),
        *("-an", "-sn", "-dn", "-map", "0:v:0"),
        *("-vf", f"{SQUARE_PIXELS},fps={fps:g},scale={size.width}:{size.height}:flags=fast_bilinear"),
        *("-pix_fmt", "gray", "-f", "rawvideo", "pipe:1"),
    ]


def filter_value(text: str) -> str:
    """`text` as one option value inside a filter graph: escaped for the option parser (`'`, `\\`,
    `:`), then for the graph parser (also `[`, `]`, `,`, `;`)."""
    level1 = "".join(f"\\{c}" if c in "\\':" else c for c in text)
    return "".join(f"\\{c}" if c in "\\'[],;" else c for c in level1)


def _seconds(value: float) -> str:
    return f"{value:.3f}"
