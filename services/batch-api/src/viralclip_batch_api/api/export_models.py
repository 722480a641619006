"""The API's model family of clip exports: `…Create` in, `…Public`/`…sPublic` out."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from viralclip_contracts import AspectRatio, ExportStatus, ReframeMode, RenderResolution, RenderSettings

from ..adapters.export_repository import ExportRecord
from ..core.export_state import shown_progress, shown_status
from ..settings import API_PREFIX

MAX_CLIPS_PER_REQUEST = 50
ClipId = Annotated[str, Field(min_length=1, max_length=200)]


class ExportCreate(BaseModel):
    """Overrides of the batch's render defaults; every field is optional (an empty body is fine)."""

    model_config = ConfigDict(extra="forbid")

    aspect_ratio: AspectRatio | None = Field(default=None, description="Default: the batch's aspect ratio.")
    reframe: ReframeMode | None = Field(
        default=None, description="Default: `fit` for gaming and sports commentary, else `face`."
    )
    captions: bool | None = Field(default=None, description="Default: the batch's `subtitle_enabled`.")
    resolution: RenderResolution | None = Field(default=None, description="Default: `1080`.")
    loudness_normalize: bool | None = Field(default=None, description="Default: off.")

    def overrides(self) -> dict[str, object]:
        """The given overrides by `RenderSettings` field name."""
        return self.model_dump(exclude_none=True)


class BatchExportCreate(ExportCreate):
    """Export several clips of a batch with the same settings: the chosen `clip_ids`, or the `top` N."""

    clip_ids: list[ClipId] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_CLIPS_PER_REQUEST,
        description="Clips of this batch to export.",
        examples=[["c-3f9a0d1b", "c-77e0b2aa"]],
    )
    top: int | None = Field(
        default=None, ge=1, le=MAX_CLIPS_PER_REQUEST, description="Export the N best clips by score."
    )

    @model_validator(mode="after")
    def _one_choice(self) -> "BatchExportCreate":
        if (self.clip_ids is None) == (self.top is None):
            raise ValueError("give exactly one of clip_ids or top")
        return self

    def overrides(self) -> dict[str, object]:
        return self.model_dump(exclude_none=True, exclude={"clip_ids", "top"})


class ExportPublic(BaseModel):
    """One export of a clip: what is rendered, how far it is, and where the file is once done."""

    export_id: str = Field(examples=["e-5b2c90aa0d1e2f3a"])
    clip_id: str = Field(examples=["c-3f9a0d1b"])
    batch_id: str
    video_id: str
    start_sec: float = Field(description="The clip's range when it was requested.")
    end_sec: float
    settings: RenderSettings
    status: ExportStatus
    progress: float = Field(ge=0, le=1, description="Fraction rendered, for a progress bar.")
    error_message: str | None = Field(default=None, description="Why it failed; ask again to re-render.")
    requests: int = Field(ge=1, description="How often it was requested (a failed one can be re-requested).")
    render_attempts: int | None = Field(default=None, description="Render runs, as the render counts them.")
    size_bytes: int | None = None
    duration_sec: float | None = None
    width: int | None = None
    height: int | None = None
    resolution: str | None = Field(
        default=None, description="`<width>x<height>` once done.", examples=["1080x1920"]
    )
    file_path: str | None = Field(default=None, description="Relative to the media root, once done.")
    download_url: str | None = Field(
        default=None,
        description="Serves the MP4 (with range requests) once done.",
        examples=["/viral-clip/exports/e-5b2c90aa0d1e2f3a/file"],
    )
    requested_at: datetime
    finished_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class ExportsPublic(BaseModel):
    """Exports, newest first; `count` is how many there are."""

    data: list[ExportPublic]
    count: int


class ExportProgressPublic(BaseModel):
    """One server-sent `export` event of a batch's stream: an export's status or progress changed."""

    export_id: str
    clip_id: str
    status: ExportStatus
    progress: float = Field(ge=0, le=1)
    error_message: str | None = None
    download_url: str | None = None


def download_url(export_id: str) -> str:
    return f"{API_PREFIX}/exports/{export_id}/file"


def export_public(record: ExportRecord) -> ExportPublic:
    """What the API shows of an export document."""
    state = record.state
    status = shown_status(state, record.render.started_at)
    done = state.status is ExportStatus.DONE
    return ExportPublic(
        **state.model_dump(
            include={
                "export_id",
                "clip_id",
                "batch_id",
                "video_id",
                "start_sec",
                "end_sec",
                "settings",
                "error_message",
                "requests",
                "size_bytes",
                "duration_sec",
                "width",
                "height",
                "file_path",
                "requested_at",
                "finished_at",
            }
        ),
        status=status,
        progress=shown_progress(state, status, record.render.progress),
        render_attempts=record.render.attempts,
        resolution=f"{state.width}x{state.height}" if state.width and state.height else None,
        download_url=download_url(state.export_id) if done else None,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def export_progress(export: ExportPublic) -> ExportProgressPublic:
    """The stream event of an export."""
    return ExportProgressPublic.model_validate(
        export.model_dump(include=set(ExportProgressPublic.model_fields))
    )
