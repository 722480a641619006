"""Settings of the render service (environment variables `VIRALCLIP_*`)."""

from typing import Literal

from pydantic import Field

from viralclip_runtime import ServiceSettings

from .faces import SAMPLE_FPS
from .plan import EncoderSettings

X264Preset = Literal["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"]


class RenderServiceSettings(ServiceSettings):
    """How many renders run at once, how they are encoded, their deadline and priority."""

    render_concurrency: int = Field(
        default=1,
        ge=1,
        le=8,
        description="Exports one process renders at once (that many consumers in the group). A render "
        "keeps the cores busy, so more than one per process only helps on a large machine.",
    )
    render_timeout_sec: float = Field(
        default=480.0,
        gt=0,
        le=570,
        description="Deadline of one export (probe, face pass, render); past it ffmpeg is killed and the "
        "export fails. Stays under the consumer's 10-minute poll interval, so a slow render never "
        "costs the consumer its partitions.",
    )
    render_niceness: int = Field(
        default=10,
        ge=0,
        le=19,
        description="The worker process (and so every ffmpeg it starts) runs this much nicer than "
        "normal, so thumbnails of new batches on the same machine are not starved by renders.",
    )
    render_threads: int = Field(
        default=0, ge=0, le=64, description="ffmpeg threads per render; 0 lets ffmpeg choose (per core)."
    )
    render_preset: X264Preset = Field(default="veryfast", description="x264 preset of the renders.")
    render_crf: int = Field(default=21, ge=0, le=51, description="x264 constant rate factor.")
    render_face_sample_fps: float = Field(
        default=SAMPLE_FPS, gt=0, le=10, description="Frames a second the face pass looks at."
    )
    ffmpeg_timeout_sec: float = Field(
        default=30.0, gt=0, le=600, description="Deadline of one probe of a video or an export file."
    )
    ffmpeg_path: str | None = Field(
        default=None,
        description="ffmpeg binary; default: `ffmpeg` on PATH, else the imageio-ffmpeg one.",
    )
    ffprobe_path: str | None = Field(
        default=None, description="ffprobe binary; default: `ffprobe` on PATH, else probing reads ffmpeg."
    )

    @property
    def encoder(self) -> EncoderSettings:
        """The encoder settings of every render."""
        return EncoderSettings(preset=self.render_preset, crf=self.render_crf, threads=self.render_threads)
