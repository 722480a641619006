"""The API's model families, one per resource: `…Create`/`…Update` in, `…Public`/`…sPublic` out.

Contract value types (`ClipBatchConfig`, `Clip`, `Video`, …) are reused, never re-declared.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from viralclip_contracts import (
    AspectRatio,
    Clip,
    ClipBatchConfig,
    ClipLengthPreset,
    ProcessingTimeframe,
    SceneSegment,
    ScoringStrategy,
    Stage,
    TranscriptSegment,
    Video,
    VideoType,
)

from ..core.language_detection import LanguageSource
from ..core.language_tags import checked_language_tag
from ..core.projection import BatchStatus
from ..core.transcripts import TranscriptFormat

Seconds = Annotated[float, Field(ge=0)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- videos -------------------------------------------------------------------------------------


class VideoCreate(_In):
    """A video registered by the earlier phases; the media file is already under the media root."""

    video_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
        description="Natural id from the earlier phases; generated when absent.",
        examples=["v-hwhap-114"],
    )
    title: str = Field(min_length=1, max_length=300, examples=["The Value of the Moon"])
    media_path: str = Field(
        min_length=1, description="Relative to the media root.", examples=["videos/hwhap-114.mp4"]
    )
    duration_sec: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,  # an infinite video would pass every range check downstream
        description=(
            "Optional: the duration is probed from the media file. When given, it must agree with the "
            "probed one (within 1 s or 1 %)."
        ),
    )
    language: str | None = Field(
        default=None,
        min_length=2,
        max_length=35,
        description=(
            "BCP-47 language of the speech (a well-formed tag, kept as given); when absent, the one the "
            "transcript declares (Whisper's `language`, WebVTT's `Language:`), else detected from the "
            "transcript."
        ),
        examples=["id", "en", "pt-BR"],
    )
    summary: str = Field(default="", max_length=5000)
    transcript: list[dict[str, Any]] | dict[str, Any] | str = Field(
        description=(
            "Timed segments (ours, or Whisper / faster-whisper / WhisperX output as it comes: a list of "
            "segments or an object with `segments` and `language`), or the text of a JSON, SRT or "
            "WebVTT transcript. See docs/TRANSCRIPTS.md."
        ),
        examples=[
            [{"start_sec": 0.0, "end_sec": 2.5, "text": "Why the Moon?", "speaker": "Samuel Lawrence"}],
            {
                "language": "en",
                "segments": [
                    {
                        "start": 0.0,
                        "end": 1.2,
                        "text": " Why the Moon?",
                        "words": [
                            {"word": " Why", "start": 0.0, "end": 0.3, "probability": 0.98},
                            {"word": " the", "start": 0.3, "end": 0.5, "probability": 0.99},
                            {"word": " Moon?", "start": 0.5, "end": 1.2, "probability": 0.97},
                        ],
                    }
                ],
            },
        ],
    )
    transcript_format: TranscriptFormat | None = Field(
        default=None, description="Format of a text transcript; detected when absent."
    )
    scenes: list[SceneSegment] = Field(default_factory=list)

    @field_validator("language")
    @classmethod
    def _well_formed_language(cls, language: str | None) -> str | None:
        return None if language is None else checked_language_tag(language)


class VideoPublic(Video):
    """A registered video with its transcript and scenes."""

    created_at: datetime
    language_source: LanguageSource | None = Field(
        default=None,
        description="Where `language` came from: the request, the transcript file, detection from the "
        "transcript's text, or the default (nothing to go on). Absent on videos registered before.",
        examples=["detected"],
    )


class VideoSummaryPublic(BaseModel):
    """A registered video in a list: what it is, without its transcript and scenes."""

    video_id: str = Field(examples=["v-hwhap-114"])
    title: str = Field(examples=["The Value of the Moon"])
    media_path: str = Field(description="Relative to the media root.", examples=["videos/hwhap-114.mp4"])
    duration_sec: float = Field(gt=0)
    language: str = Field(examples=["en"])
    summary: str = ""
    created_at: datetime


class VideosPublic(BaseModel):
    """A page of videos, newest first; `count` is the total over all pages."""

    data: list[VideoSummaryPublic]
    count: int


class MediaLinkPublic(BaseModel):
    """Where a browser can load the video's media itself (an `<video src>` cannot send a bearer token)."""

    url: str = Field(
        description="Path of the media, signed when the API needs a token; it names this one file only.",
        examples=["/viral-clip/videos/v-hwhap-114/media?expires=1796000000&signature=9f2c…"],
    )
    expires_at: datetime | None = Field(
        default=None, description="When a signed link stops working (none when the API is open)."
    )


# --- clip batches -------------------------------------------------------------------------------


class ClipBatchCreate(_In):
    """What the creator chose on Get Clips (the seed's flat body), plus a name and a webhook."""

    video_type: VideoType = VideoType.AUTO
    aspect_ratio: AspectRatio = AspectRatio.PORTRAIT
    clip_length_preset: ClipLengthPreset = ClipLengthPreset.AUTO
    subtitle_enabled: bool = True
    processing_timeframe_start: Seconds = Field(default=0.0, examples=[0.0])
    processing_timeframe_end: Seconds | None = Field(
        default=None, description="Open end means the end of the video.", examples=[1800.0]
    )
    include_specific_moments: str | None = Field(default=None, max_length=500)
    scoring_strategy: ScoringStrategy | None = None
    name: str = Field(default="default", min_length=1, max_length=120, examples=["first-run"])
    webhook_url: AnyHttpUrl | None = Field(
        default=None, description="POSTed the batch summary, HMAC-signed, when the batch ends."
    )

    @field_validator("processing_timeframe_end")
    @classmethod
    def _end_after_start(cls, end: float | None, info: ValidationInfo) -> float | None:
        start = info.data.get("processing_timeframe_start")
        if end is not None and start is not None and start >= end:
            raise ValueError(f"must be after processing_timeframe_start ({start:g} s)")
        return end

    def to_config(self) -> ClipBatchConfig:
        """The contract configuration this request asks for."""
        return ClipBatchConfig(
            video_type=self.video_type,
            aspect_ratio=self.aspect_ratio,
            clip_length_preset=self.clip_length_preset,
            subtitle_enabled=self.subtitle_enabled,
            processing_timeframe=ProcessingTimeframe(
                start_sec=self.processing_timeframe_start, end_sec=self.processing_timeframe_end
            ),
            include_specific_moments=self.include_specific_moments,
            scoring_strategy=self.scoring_strategy,
        )


class ClipBatchPublic(BaseModel):
    """A clip batch as the UI shows it: configuration, status, pipeline stage and progress."""

    batch_id: str = Field(examples=["b-2c1e7f"])
    video_id: str = Field(examples=["v-hwhap-114"])
    name: str
    config: ClipBatchConfig
    status: BatchStatus
    stage: Stage
    progress: float = Field(ge=0, le=1, description="Fraction done, for a progress bar.")
    job_id: str = Field(description="The current pipeline run.", examples=["j-91ab03"])
    windows_total: int | None = None
    windows_failed: int | None = None
    clips_total: int | None = None
    thumbnails_failed: int | None = None
    error_message: str | None = None
    stalled_since: datetime | None = Field(
        default=None,
        description="When the batch passed its stage's deadline; set while it waits after being re-driven "
        "once, before it is failed.",
    )
    webhook_url: str | None = None
    created_at: datetime
    updated_at: datetime


class ClipBatchesPublic(BaseModel):
    """A page of batches, newest first; `count` is the total over all pages."""

    data: list[ClipBatchPublic]
    count: int


class BatchProgressPublic(BaseModel):
    """One server-sent event: the batch's status, stage and progress after a change."""

    batch_id: str
    job_id: str
    status: BatchStatus
    stage: Stage
    progress: float = Field(ge=0, le=1)
    clips_total: int | None = None
    error_message: str | None = None
    stalled_since: datetime | None = None


# --- clips --------------------------------------------------------------------------------------


class ClipPublic(Clip):
    """A clip of the grid, with the URL of its thumbnail."""

    thumbnail_url: str | None = Field(default=None, examples=["/viral-clip/clips/c-3f9a0d1b/thumbnail"])


class ClipDetailPublic(ClipPublic):
    """Everything the Segment Detail modal shows, including the transcript under the clip."""

    transcript_excerpt: list[TranscriptSegment]


class ClipsPublic(BaseModel):
    """A page of clips; `count` is the total matching the filter."""

    data: list[ClipPublic]
    count: int


class ClipUpdate(_In):
    """A creator's edit: each given field replaces the clip's; the clip becomes `edited`."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    start_time_sec: Seconds | None = None
    end_time_sec: Seconds | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> "ClipUpdate":
        if not self.model_fields_set:
            raise ValueError("give at least one of title, description, start_time_sec, end_time_sec")
        return self


# --- service ------------------------------------------------------------------------------------


class HealthPublic(BaseModel):
    status: Literal["ok"] = "ok"


class ReadinessPublic(BaseModel):
    """Whether the service can do its work: both dependencies answered."""

    status: Literal["ready", "unavailable"]
    database: bool
    broker: bool
    background_tasks: bool = Field(
        description="The outbox relay, the webhook sender and the stall watch are running."
    )


class WorkerStatusPublic(BaseModel):
    """One pipeline worker service: its consumer processes that sent a heartbeat recently."""

    service: str = Field(examples=["scoring"])
    stage: str = Field(
        description="The batch stage it moves on, or `rendering` for clip exports.", examples=["scoring"]
    )
    live_consumers: int = Field(ge=0, description="Processes of the service that beat recently.")
    last_seen_at: datetime | None = Field(description="The latest heartbeat of any of its processes.")
    live: bool = Field(description="At least one consumer is there to move batches on from this stage.")


class FleetStatusPublic(BaseModel):
    """Which stages have a live consumer (from the workers' heartbeats)."""

    status: Literal["ok", "degraded", "unknown"] = Field(
        description="ok: every stage has a consumer; degraded: some stage has none; unknown: the database "
        "did not answer."
    )
    workers: list[WorkerStatusPublic]
    background_tasks: bool


class VideoUpload(BaseModel):
    """The multipart form of `POST /videos` (for the OpenAPI document): `media` is the file itself."""

    media: bytes = Field(json_schema_extra={"format": "binary"}, description="The video file.")
    title: str
    video_id: str | None = None
    duration_sec: float | None = None
    language: str | None = Field(
        default=None, description="A BCP-47 tag (`en`, `pt-BR`); detected from the transcript when absent."
    )
    summary: str = ""
    transcript: str = Field(description="JSON (ours or Whisper's), SRT or WebVTT text, or a file of it.")
    transcript_format: TranscriptFormat | None = None
    scenes: str | None = Field(default=None, description="JSON list of scene segments.")


class ErrorPublic(BaseModel):
    """An error answer (404, 409, 401): what went wrong, in words."""

    detail: str
