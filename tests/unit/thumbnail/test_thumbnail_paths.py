"""Media paths stay inside the media root; thumbnail names are safe file names."""

from pathlib import Path

import pytest

from viralclip_thumbnail.paths import MediaPathError, resolve_media_path, thumbnail_relative_path


def test_a_relative_path_resolves_under_the_root(tmp_path: Path) -> None:
    assert resolve_media_path(tmp_path, "videos/a.mp4") == tmp_path.resolve() / "videos" / "a.mp4"


def test_an_absolute_path_inside_the_root_is_accepted(tmp_path: Path) -> None:
    inside = str(tmp_path / "videos" / "a.mp4")

    assert resolve_media_path(tmp_path, inside) == Path(inside).resolve()


@pytest.mark.parametrize(
    "escaping",
    ["../secrets.txt", "videos/../../secrets.txt", "/etc/passwd", "videos/../../../../etc/passwd"],
)
def test_a_path_escaping_the_root_is_refused(tmp_path: Path, escaping: str) -> None:
    root = tmp_path / "media"
    root.mkdir()

    with pytest.raises(MediaPathError, match=r"media_path .* escapes the media root .*refused"):
        resolve_media_path(root, escaping)


def test_a_symlink_leading_out_of_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (tmp_path / "private.mp4").write_bytes(b"x")
    (root / "innocent.mp4").symlink_to(tmp_path / "private.mp4")

    with pytest.raises(MediaPathError, match="escapes the media root"):
        resolve_media_path(root, "innocent.mp4")


@pytest.mark.parametrize(("value", "reason"), [("", "is empty"), ("  ", "is empty"), ("a\x00b", "NUL")])
def test_empty_or_malformed_paths_are_refused(tmp_path: Path, value: str, reason: str) -> None:
    with pytest.raises(MediaPathError, match=f"media_path.*{reason}"):
        resolve_media_path(tmp_path, value)


def test_thumbnails_are_named_by_batch_and_clip() -> None:
    assert thumbnail_relative_path("b-1", "c-3f9a0d1b") == "thumbnails/b-1/c-3f9a0d1b.jpg"


@pytest.mark.parametrize(
    ("batch_id", "clip_id", "field"),
    [("..", "c1", "batch_id"), ("b/1", "c1", "batch_id"), ("b1", "../c", "clip_id"), ("b1", "", "clip_id")],
)
def test_ids_that_cannot_be_file_names_are_refused(batch_id: str, clip_id: str, field: str) -> None:
    with pytest.raises(MediaPathError, match=f"{field} .* cannot name a file"):
        thumbnail_relative_path(batch_id, clip_id)
