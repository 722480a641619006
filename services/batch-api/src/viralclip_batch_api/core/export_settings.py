"""Render settings of an export and its identity: the batch's defaults, the creator's overrides, the id.

Pure. The defaults come from the batch configuration: its aspect ratio, `subtitle_enabled` for captions,
and a reframe mode by genre (`REFRAME_BY_VIDEO_TYPE`): `fit` where the whole frame is the content
(gaming, sports), `face` for everything talk-like (the render falls back to a centre crop when it finds
no face). The export id hashes the clip id, the clip's range at the time of the request and the settings,
so the same request always names the same export and an edited range names a new one.
"""

import hashlib
import json
import uuid
from collections.abc import Mapping

from viralclip_contracts import (
    CLIP_EXPORT_REQUESTED,
    ClipBatchConfig,
    ReframeMode,
    RenderSettings,
    VideoType,
)
from viralclip_runtime import derived_event_id

# Every genre is listed, so a genre added to the contract fails the exhaustiveness test, not silently.
REFRAME_BY_VIDEO_TYPE: Mapping[VideoType, ReframeMode] = {
    VideoType.GAMING: ReframeMode.FIT,
    VideoType.SPORTS_COMMENTARY: ReframeMode.FIT,
    **{
        video_type: ReframeMode.FACE
        for video_type in (
            VideoType.AUTO,
            VideoType.QA,
            VideoType.COMMENTARY,
            VideoType.MARKETING,
            VideoType.WEBINAR,
            VideoType.MOTIVATIONAL_SPEECH,
            VideoType.PODCAST,
            VideoType.ACADEMIC,
            VideoType.LISTICLE,
            VideoType.PRODUCT_REVIEW,
            VideoType.HOW_TO,
            VideoType.COMEDY,
            VideoType.CHURCH,
            VideoType.NEWS,
            VideoType.VLOG,
            VideoType.OTHER,
        )
    },
}
_TIME_DECIMALS = 3  # a millisecond: finer differences are the same range


def default_settings(config: ClipBatchConfig) -> RenderSettings:
    """What an export of a clip of this batch renders with when the creator overrides nothing."""
    return RenderSettings(
        aspect_ratio=config.aspect_ratio,
        reframe=REFRAME_BY_VIDEO_TYPE[config.video_type],
        captions=config.subtitle_enabled,
    )


def resolve_settings(config: ClipBatchConfig, overrides: Mapping[str, object]) -> RenderSettings:
    """The batch's defaults with each given override (a `RenderSettings` field name) replacing one."""
    return RenderSettings.model_validate({**default_settings(config).model_dump(), **overrides})


def export_id(clip_id: str, start_sec: float, end_sec: float, settings: RenderSettings) -> str:
    """`e-` and 16 hex digits of a hash of the clip, its range (to the millisecond) and the settings.

    Settings at their default value are left out of the hash, so a setting added to the contract later
    (with a default) does not change the ids of existing exports."""
    canonical = json.dumps(
        {
            "clip_id": clip_id,
            "start_sec": round(start_sec, _TIME_DECIMALS),
            "end_sec": round(end_sec, _TIME_DECIMALS),
            "settings": settings.model_dump(mode="json", exclude_defaults=True),
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return "e-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]


def request_event_id(export_id: str, request_number: int) -> uuid.UUID:
    """The id of the n-th `clip.export_requested` of an export (n > 1: re-requested after a failure).
    Two concurrent re-requests compute the same id, so the outbox holds, and the render sees, one."""
    return derived_event_id(f"{export_id}/request-{request_number}", CLIP_EXPORT_REQUESTED)
