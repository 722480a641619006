"""Value types carried by the events: batch configuration, transcript, windows, clips."""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

Seconds = Annotated[float, Field(ge=0, description="Seconds from the start of the video.")]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class AspectRatio(StrEnum):
    """Aspect ratio of the exported clip (and of its thumbnail)."""

    PORTRAIT = "9:16"
    SQUARE = "1:1"
    FEED = "4:5"
    LANDSCAPE = "16:9"

    @property
    def width_to_height(self) -> float:
        width, height = self.value.split(":")
        return int(width) / int(height)


class ClipLengthPreset(StrEnum):
    """Target duration of the clips. `auto` lets the pipeline choose within 30–90 s."""

    AUTO = "auto"
    UNDER_30S = "<30s"
    FROM_30_TO_60S = "30-60s"
    FROM_60_TO_90S = "60-90s"
    FROM_90S_TO_3M = "90s-3m"

    @property
    def bounds_sec(self) -> tuple[float, float]:
        """The (minimum, maximum) clip duration this preset asks for, in seconds."""
        return _PRESET_BOUNDS[self]


_PRESET_BOUNDS: dict[ClipLengthPreset, tuple[float, float]] = {
    ClipLengthPreset.AUTO: (30.0, 90.0),
    ClipLengthPreset.UNDER_30S: (15.0, 30.0),
    ClipLengthPreset.FROM_30_TO_60S: (30.0, 60.0),
    ClipLengthPreset.FROM_60_TO_90S: (60.0, 90.0),
    ClipLengthPreset.FROM_90S_TO_3M: (90.0, 180.0),
}


class VideoType(StrEnum):
    """Genre of the source video; it steers windowing and what the scorer looks for."""

    AUTO = "auto"
    QA = "qa"
    COMMENTARY = "commentary"
    MARKETING = "marketing"
    WEBINAR = "webinar"
    MOTIVATIONAL_SPEECH = "motivational_speech"
    PODCAST = "podcast"
    ACADEMIC = "academic"
    LISTICLE = "listicle"
    PRODUCT_REVIEW = "product_review"
    HOW_TO = "how_to"
    COMEDY = "comedy"
    SPORTS_COMMENTARY = "sports_commentary"
    CHURCH = "church"
    NEWS = "news"
    VLOG = "vlog"
    GAMING = "gaming"
    OTHER = "other"


class Grade(StrEnum):
    """A letter grade, best first."""

    A_PLUS = "A+"
    A = "A"
    A_MINUS = "A-"
    B_PLUS = "B+"
    B = "B"
    B_MINUS = "B-"
    C_PLUS = "C+"
    C = "C"
    C_MINUS = "C-"
    D_PLUS = "D+"
    D = "D"
    D_MINUS = "D-"
    F = "F"


class ClipStatus(StrEnum):
    CANDIDATE = "candidate"
    EDITED = "edited"
    EXPORTED = "exported"


class ScoringStrategy(StrEnum):
    """How the scorer calls the LLM: one call for the whole video, one per window, or one per
    consecutive chunk of the transcript (each line sent once, the windows as ranges over it)."""

    AUTO = "auto"
    GLOBAL = "global"
    PER_WINDOW = "per_window"
    CHUNKED = "chunked"


class Stage(StrEnum):
    """Pipeline stages in the order a batch passes them."""

    QUEUED = "queued"
    WINDOWING = "windowing"
    SCORING = "scoring"
    THUMBNAILS = "thumbnails"
    DONE = "done"


class ReframeMode(StrEnum):
    """How a rendered clip fills its aspect ratio."""

    CENTER = "center"
    FIT = "fit"
    FACE = "face"


class RenderResolution(StrEnum):
    """Output size preset: full HD lines (e.g. 1080x1920 for 9:16) or a faster 720-line preview."""

    HD_1080 = "1080"
    HD_720 = "720"


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RENDERING = "rendering"
    DONE = "done"
    FAILED = "failed"


class RenderSettings(_Value):
    """How one clip is rendered; with the clip's range it determines the export (and its id)."""

    aspect_ratio: AspectRatio = Field(examples=["9:16"])
    reframe: ReframeMode = Field(examples=["face"])
    captions: bool = Field(description="Burn word-by-word captions.", examples=[True])
    resolution: RenderResolution = Field(default=RenderResolution.HD_1080, examples=["1080"])
    loudness_normalize: bool = Field(default=False, description="EBU R128 loudness normalisation.")


class ProcessingTimeframe(_Value):
    """The part of the video to look for clips in; an open end means 'to the end of the video'."""

    start_sec: Seconds = Field(default=0.0, examples=[0.0])
    end_sec: Seconds | None = Field(default=None, examples=[1800.0])

    @model_validator(mode="after")
    def _start_before_end(self) -> "ProcessingTimeframe":
        if self.end_sec is not None and self.start_sec >= self.end_sec:
            raise ValueError("processing timeframe: start_sec must be before end_sec")
        return self


class ClipBatchConfig(_Value):
    """What the creator chose when clicking Get Clips."""

    video_type: VideoType = Field(default=VideoType.AUTO, description="Genre of the video.")
    aspect_ratio: AspectRatio = Field(default=AspectRatio.PORTRAIT, description="Clip frame shape.")
    clip_length_preset: ClipLengthPreset = Field(
        default=ClipLengthPreset.AUTO, description="Target clip duration."
    )
    subtitle_enabled: bool = Field(default=True, description="Burn subtitles into exports.")
    processing_timeframe: ProcessingTimeframe = Field(
        default_factory=ProcessingTimeframe, description="Part of the video to clip."
    )
    include_specific_moments: str | None = Field(
        default=None,
        max_length=500,
        description="Free text: moments the creator wants included.",
        examples=["the part about water ice at the lunar poles"],
    )
    scoring_strategy: ScoringStrategy | None = Field(
        default=None, description="Overrides the deployment's scoring strategy for this batch."
    )


class Word(_Value):
    """One spoken word with its time, as ASR writes it (or estimated when the transcript had none)."""

    text: str = Field(description="The word as spoken, without surrounding spaces.", examples=["Moon?"])
    start_sec: Seconds
    end_sec: Seconds
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="The recogniser's probability, when it gave one."
    )
    estimated: bool = Field(
        default=False,
        description="True when the time was spread over the segment by rule, not measured by ASR.",
    )


class TranscriptSegment(_Value):
    """One timed piece of the transcript (usually a sentence or a subtitle cue)."""

    start_sec: Seconds
    end_sec: Seconds
    text: str = Field(examples=["Why the Moon? Because it is the closest place to learn."])
    speaker: str | None = Field(default=None, examples=["Samuel Lawrence"])
    words: tuple[Word, ...] = Field(
        default=(), description="The segment's words in order, with their times (absolute seconds)."
    )


class SceneSegment(_Value):
    """A shot between two cuts, as produced by scene detection."""

    scene_id: str = Field(examples=["s0007"])
    start_sec: Seconds
    end_sec: Seconds


class Window(_Value):
    """A candidate stretch of the video, made of whole scenes and sentences, for the scorer to judge."""

    window_id: str = Field(description="Deterministic id within the batch.", examples=["w0003"])
    start_sec: Seconds
    end_sec: Seconds
    scene_ids: tuple[str, ...] = Field(description="Scenes the window is made of.")
    transcript: tuple[TranscriptSegment, ...] = Field(
        description="Transcript segments inside the window, with absolute timestamps."
    )


class Clip(_Value):
    """A scored clip, flat as in `clips`: the seed's Clip plus viral_reason, hook and hashtags."""

    clip_id: str = Field(description="Derived from batch id and time range.", examples=["c-3f9a0d1b"])
    clip_batch_id: str
    video_id: str
    start_time_sec: Seconds
    end_time_sec: Seconds
    duration_sec: float = Field(gt=0)
    title: str = Field(examples=["Why the Moon is a treasure chest"])
    description: str
    viral_score: float = Field(ge=0, le=10, examples=[8.7])
    grade_hook: Grade
    grade_flow: Grade
    grade_value: Grade
    grade_trend: Grade
    viral_reason: str = Field(default="", description="One sentence: why this clip works.")
    hook: str = Field(default="", description="The clip's opening line.")
    hashtags: tuple[str, ...] = Field(default=(), examples=[["#moon", "#nasa", "#space"]])
    language: str = Field(examples=["en"])
    status: ClipStatus = ClipStatus.CANDIDATE
    rank: int = Field(ge=1, description="1 = highest viral_score in the batch.")
    window_id: str | None = None
    thumbnail_path: str | None = Field(
        default=None, description="Relative to the media root.", examples=["thumbnails/b1/c1.jpg"]
    )
    thumbnail_error: str | None = Field(
        default=None,
        description="Why the clip has no thumbnail (set by the thumbnail service when it has none).",
        examples=["ffmpeg found no frame at 3721.50 s (is it past the end of the video?)"],
    )


class Video(_Value):
    """A video registered by the earlier phases: its media file, transcript and scenes."""

    video_id: str = Field(examples=["v-hwhap-114"])
    title: str = Field(examples=["The Value of the Moon"])
    media_path: str = Field(description="Relative to the media root.", examples=["videos/hwhap-114.mp4"])
    duration_sec: float = Field(gt=0)
    language: str = Field(default="en", description="BCP-47 language of the speech.")
    summary: str = Field(default="", description="A few sentences about the whole video.")
    transcript: tuple[TranscriptSegment, ...] = ()
    scenes: tuple[SceneSegment, ...] = ()
