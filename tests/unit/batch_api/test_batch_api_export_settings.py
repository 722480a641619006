"""Export settings and identity: defaults from the batch, overrides, an id that names one render."""

import pytest

from viralclip_batch_api.core.export_settings import (
    REFRAME_BY_VIDEO_TYPE,
    default_settings,
    export_id,
    request_event_id,
    resolve_settings,
)
from viralclip_contracts import (
    AspectRatio,
    ClipBatchConfig,
    ReframeMode,
    RenderResolution,
    RenderSettings,
    VideoType,
)

SETTINGS = RenderSettings(aspect_ratio=AspectRatio.PORTRAIT, reframe=ReframeMode.FACE, captions=True)


def test_every_genre_has_a_reframe_default() -> None:
    assert set(REFRAME_BY_VIDEO_TYPE) == set(VideoType)


@pytest.mark.parametrize(
    ("video_type", "reframe"),
    [
        (VideoType.PODCAST, ReframeMode.FACE),
        (VideoType.QA, ReframeMode.FACE),
        (VideoType.WEBINAR, ReframeMode.FACE),
        (VideoType.AUTO, ReframeMode.FACE),
        (VideoType.GAMING, ReframeMode.FIT),
        (VideoType.SPORTS_COMMENTARY, ReframeMode.FIT),
    ],
)
def test_defaults_come_from_the_batch(video_type: VideoType, reframe: ReframeMode) -> None:
    config = ClipBatchConfig(video_type=video_type, aspect_ratio=AspectRatio.SQUARE, subtitle_enabled=False)

    settings = default_settings(config)

    assert settings == RenderSettings(
        aspect_ratio=AspectRatio.SQUARE,
        reframe=reframe,
        captions=False,
        resolution=RenderResolution.HD_1080,
        loudness_normalize=False,
    )


def test_overrides_replace_only_what_they_name() -> None:
    config = ClipBatchConfig(video_type=VideoType.GAMING, aspect_ratio=AspectRatio.PORTRAIT)

    settings = resolve_settings(
        config, {"reframe": ReframeMode.CENTER, "resolution": RenderResolution.HD_720}
    )

    assert (settings.aspect_ratio, settings.reframe, settings.captions, settings.resolution) == (
        AspectRatio.PORTRAIT,
        ReframeMode.CENTER,
        True,
        RenderResolution.HD_720,
    )


def test_the_same_clip_range_and_settings_name_the_same_export() -> None:
    first = export_id("c-1", 10.0, 40.0, SETTINGS)

    assert first == export_id("c-1", 10.0, 40.0, SETTINGS.model_copy())
    assert first == export_id("c-1", 10.0000001, 40.0, SETTINGS)  # below a millisecond: same range
    assert first.startswith("e-")
    assert len(first) == 18


@pytest.mark.parametrize(
    "other",
    [
        ("c-2", 10.0, 40.0, SETTINGS),
        ("c-1", 10.5, 40.0, SETTINGS),
        ("c-1", 10.0, 39.0, SETTINGS),
        ("c-1", 10.0, 40.0, SETTINGS.model_copy(update={"captions": False})),
        ("c-1", 10.0, 40.0, SETTINGS.model_copy(update={"resolution": RenderResolution.HD_720})),
        ("c-1", 10.0, 40.0, SETTINGS.model_copy(update={"loudness_normalize": True})),
        ("c-1", 10.0, 40.0, SETTINGS.model_copy(update={"aspect_ratio": AspectRatio.FEED})),
    ],
)
def test_another_clip_range_or_setting_is_another_export(
    other: tuple[str, float, float, RenderSettings],
) -> None:
    assert export_id(*other) != export_id("c-1", 10.0, 40.0, SETTINGS)


def test_each_request_of_an_export_has_its_own_stable_event_id() -> None:
    assert request_event_id("e-1", 1) == request_event_id("e-1", 1)
    assert request_event_id("e-1", 1) != request_event_id("e-1", 2)
    assert request_event_id("e-1", 1) != request_event_id("e-2", 1)
