"""The thumbnail service's settings come from VIRALCLIP_* variables and refuse nonsense."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from viralclip_thumbnail.settings import ThumbnailSettings
from viralclip_thumbnail.thumbnails import default_concurrency


def test_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRALCLIP_MEDIA_ROOT", "/srv/media")
    monkeypatch.setenv("VIRALCLIP_THUMBNAIL_LONG_SIDE", "480")
    monkeypatch.setenv("VIRALCLIP_THUMBNAIL_CONCURRENCY", "3")
    monkeypatch.setenv("VIRALCLIP_FFMPEG_TIMEOUT_SEC", "12.5")
    monkeypatch.setenv("VIRALCLIP_FFMPEG_PATH", "/opt/ffmpeg")

    settings = ThumbnailSettings.load()

    assert settings.media_root == Path("/srv/media")
    assert settings.thumbnail_long_side == 480
    assert settings.concurrency == 3
    assert settings.ffmpeg_timeout_sec == 12.5
    assert settings.ffmpeg_path == "/opt/ffmpeg"


def test_concurrency_defaults_to_one_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRALCLIP_THUMBNAIL_CONCURRENCY", raising=False)

    assert ThumbnailSettings().concurrency == default_concurrency()


@pytest.mark.parametrize(
    ("field", "value"),
    [("thumbnail_long_side", 8), ("thumbnail_concurrency", 0), ("ffmpeg_timeout_sec", 0)],
)
def test_nonsense_values_are_refused_naming_the_field(field: str, value: float) -> None:
    with pytest.raises(ValidationError, match=field):
        ThumbnailSettings.model_validate({field: value})


@pytest.mark.parametrize(
    ("decoder", "ffmpeg_path", "in_process"),
    [
        ("auto", None, True),
        ("auto", "/opt/ffmpeg", False),
        ("in_process", "/opt/ffmpeg", True),
        ("ffmpeg", None, False),
    ],
)
def test_frames_are_decoded_in_process_unless_an_ffmpeg_of_ones_own_is_named(
    decoder: str, ffmpeg_path: str | None, in_process: bool
) -> None:
    settings = ThumbnailSettings.model_validate({"thumbnail_decoder": decoder, "ffmpeg_path": ffmpeg_path})

    assert settings.decodes_in_process is in_process
