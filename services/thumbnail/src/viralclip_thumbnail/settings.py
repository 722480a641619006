"""Settings of the thumbnail service (environment variables `VIRALCLIP_*`)."""

from typing import Literal

from pydantic import Field

from viralclip_runtime import ServiceSettings

from .frames import DEFAULT_LONG_SIDE
from .thumbnails import default_concurrency


class ThumbnailSettings(ServiceSettings):
    """Where media lives (inherited `media_root`), how big thumbnails are, how ffmpeg runs."""

    thumbnail_long_side: int = Field(
        default=DEFAULT_LONG_SIDE,
        ge=16,
        le=4096,
        description="Pixels of the thumbnail's long side; the short side follows the aspect ratio.",
    )
    thumbnail_concurrency: int | None = Field(
        default=None, ge=1, description="ffmpeg processes at once; default: one per CPU core."
    )
    ffmpeg_timeout_sec: float = Field(
        default=30.0, gt=0, le=600, description="Deadline of one ffmpeg run; it is killed past it."
    )
    ffmpeg_path: str | None = Field(
        default=None,
        description="ffmpeg binary; default: `ffmpeg` on PATH, else the imageio-ffmpeg one.",
    )
    thumbnail_decoder: Literal["auto", "in_process", "ffmpeg"] = Field(
        default="auto",
        description="in_process: PyAV decodes every frame of a batch in this process; ffmpeg: one "
        "ffmpeg run per frame; auto: in_process unless `ffmpeg_path` names a binary of your own.",
    )

    @property
    def decodes_in_process(self) -> bool:
        """Whether frames are decoded in-process (a configured ffmpeg binary is used for them too)."""
        if self.thumbnail_decoder == "auto":
            return self.ffmpeg_path is None
        return self.thumbnail_decoder == "in_process"

    @property
    def concurrency(self) -> int:
        """How many thumbnails are made at once."""
        return self.thumbnail_concurrency or default_concurrency()
