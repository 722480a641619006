"""Thumbnail names are safe file names (the media-root guard is tested in tests/unit/media)."""

import pytest

from viralclip_media import MediaPathError
from viralclip_thumbnail.paths import thumbnail_relative_path


def test_thumbnails_are_named_by_batch_and_clip() -> None:
    assert thumbnail_relative_path("b-1", "c-3f9a0d1b") == "thumbnails/b-1/c-3f9a0d1b.jpg"


@pytest.mark.parametrize(
    ("batch_id", "clip_id", "field"),
    [("..", "c1", "batch_id"), ("b/1", "c1", "batch_id"), ("b1", "../c", "clip_id"), ("b1", "", "clip_id")],
)
def test_ids_that_cannot_be_file_names_are_refused(batch_id: str, clip_id: str, field: str) -> None:
    with pytest.raises(MediaPathError, match=f"{field} .* cannot name a file"):
        thumbnail_relative_path(batch_id, clip_id)
