"""Pipeline events. Each is a small past-tense fact; adding optional fields is the only evolution."""

from datetime import UTC, datetime
from typing import Literal
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from .values import Clip, ClipBatchConfig, RenderSettings, Seconds, Stage, Window

SCHEMA_VERSION: Literal[1] = 1


def _now() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """Fields every event carries. `event_id` is the de-duplication key."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: str = Field(description="The topic this event belongs on, e.g. `batch.created`.")
    event_id: UUID = Field(default_factory=uuid4, description="Unique id; consumers de-duplicate on it.")
    schema_version: Literal[1] = Field(default=SCHEMA_VERSION, description="Version of this contract.")
    occurred_at: AwareDatetime = Field(default_factory=_now, description="When it happened (UTC).")
    batch_id: str = Field(description="The clip batch; also the Kafka key.", examples=["b-2c1e7f"])
    video_id: str = Field(examples=["v-hwhap-114"])
    job_id: str = Field(
        description="One pipeline run of the batch; events of a superseded job are ignored.",
        examples=["j-91ab03"],
    )
    producer: str = Field(description="Service that emitted the event.", examples=["windowing"])


class BatchCreated(Event):
    """A creator asked for clips of a video (or retried a failed batch as a new job)."""

    event_type: Literal["batch.created"] = "batch.created"
    config: ClipBatchConfig


class WindowsReady(Event):
    """The video was cut into candidate windows for scoring."""

    event_type: Literal["windows.ready"] = "windows.ready"
    config: ClipBatchConfig
    language: str = Field(examples=["en"])
    windows: tuple[Window, ...]


class ClipsScored(Event):
    """Clips were composed, scored and stored; thumbnails are still missing."""

    event_type: Literal["clips.scored"] = "clips.scored"
    config: ClipBatchConfig
    clips: tuple[Clip, ...] = Field(description="Ranked, best first.")
    windows_total: int = Field(ge=0)
    windows_failed: int = Field(ge=0, description="Windows whose scoring failed; the rest went on.")
    window_errors: tuple[str, ...] = Field(
        default=(),
        description="Why each failed window failed, one line each, prefixed with its window id.",
        examples=[["w0003: OpenAI rate limit: retries exhausted after 5 attempts"]],
    )
    scored_by: str | None = Field(
        default=None,
        description="The provider and model that proposed the clips.",
        examples=["openai:gpt-6.2-astra", "heuristic:viralclip-heuristic-v1"],
    )


class ThumbnailsDone(Event):
    """Every clip has its thumbnail (or a recorded reason why not): the batch is ready."""

    event_type: Literal["thumbnails.done"] = "thumbnails.done"
    clips: tuple[Clip, ...] = Field(description="Final clip records, ranked, with thumbnail paths.")
    thumbnails_failed: int = Field(default=0, ge=0)


class BatchFailed(Event):
    """A stage gave up on the batch."""

    event_type: Literal["batch.failed"] = "batch.failed"
    stage: Stage
    error_message: str = Field(
        description="What failed and what to do, for the creator.",
        examples=["Scoring failed: OpenAI rate limit, retries exhausted after 5 attempts."],
    )


PipelineEvent = BatchCreated | WindowsReady | ClipsScored | ThumbnailsDone | BatchFailed


class ClipExportRequested(Event):
    """A creator asked for one clip to be rendered as an MP4 with the given settings."""

    event_type: Literal["clip.export_requested"] = "clip.export_requested"
    export_id: str = Field(
        description="Derived from the clip, its range and the settings.", examples=["e-5b2c90aa"]
    )
    clip_id: str = Field(examples=["c-3f9a0d1b"])
    start_sec: Seconds = Field(description="The clip's start at the time of the request.")
    end_sec: Seconds = Field(description="The clip's end at the time of the request.")
    settings: RenderSettings


class ClipExported(Event):
    """The clip's MP4 is written and can be served."""

    event_type: Literal["clip.exported"] = "clip.exported"
    export_id: str = Field(examples=["e-5b2c90aa"])
    clip_id: str = Field(examples=["c-3f9a0d1b"])
    file_path: str = Field(
        description="Relative to the media root.", examples=["exports/b-2c1e7f/e-5b2c90aa.mp4"]
    )
    size_bytes: int = Field(ge=0, examples=[8_421_337])
    duration_sec: float = Field(gt=0, examples=[42.5])
    width: int = Field(gt=0, examples=[1080])
    height: int = Field(gt=0, examples=[1920])


class ClipExportFailed(Event):
    """The render gave up on the export."""

    event_type: Literal["clip.export_failed"] = "clip.export_failed"
    export_id: str = Field(examples=["e-5b2c90aa"])
    clip_id: str = Field(examples=["c-3f9a0d1b"])
    error_message: str = Field(
        description="What failed and what to do, for the creator.",
        examples=["Rendering failed: the source video ends at 31:02, before the clip's end; re-register it."],
    )


ExportEvent = ClipExportRequested | ClipExported | ClipExportFailed
