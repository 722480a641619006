"""The media-root guard: paths resolve inside the root or are refused with one error type."""

from pathlib import Path

import pytest

from viralclip_media import MediaPath, MediaPathError, resolve_media_path


def test_a_relative_path_resolves_under_the_root(tmp_path: Path) -> None:
    assert resolve_media_path(tmp_path, "videos/./a.mp4") == MediaPath(
        tmp_path.resolve() / "videos" / "a.mp4", "videos/a.mp4"
    )


def test_an_absolute_path_inside_the_root_is_accepted_and_made_relative(tmp_path: Path) -> None:
    inside = str(tmp_path / "videos" / "a.mp4")

    assert resolve_media_path(tmp_path, inside) == MediaPath(Path(inside).resolve(), "videos/a.mp4")


@pytest.mark.parametrize(
    "escaping",
    ["../secrets.txt", "videos/../../secrets.txt", "/etc/passwd", "videos/../../../../etc/passwd"],
)
def test_a_path_escaping_the_root_is_refused(tmp_path: Path, escaping: str) -> None:
    root = tmp_path / "media"
    root.mkdir()

    with pytest.raises(MediaPathError) as error:
        resolve_media_path(root, escaping)

    assert (error.value.field, error.value.reason) == (
        "media_path",
        f"must be a path inside the media root (got {escaping!r})",
    )
    assert str(error.value) == f"media_path must be a path inside the media root (got {escaping!r})"


def test_a_symlink_leading_out_of_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (tmp_path / "private.mp4").write_bytes(b"x")
    (root / "innocent.mp4").symlink_to(tmp_path / "private.mp4")

    with pytest.raises(MediaPathError, match="inside the media root"):
        resolve_media_path(root, "innocent.mp4")


@pytest.mark.parametrize(
    ("value", "reason"),
    [("", "is empty"), ("  ", "is empty"), ("a\x00b", "must not contain a NUL byte")],
)
def test_empty_or_malformed_paths_are_refused_naming_the_field(
    tmp_path: Path, value: str, reason: str
) -> None:
    with pytest.raises(MediaPathError) as error:
        resolve_media_path(tmp_path, value, field="source")

    assert (error.value.field, error.value.reason) == ("source", reason)


def test_a_missing_file_is_refused_only_when_a_file_is_required(tmp_path: Path) -> None:
    assert resolve_media_path(tmp_path, "videos/missing.mp4").relative == "videos/missing.mp4"

    with pytest.raises(
        MediaPathError, match=r"^media_path no file at 'videos/missing\.mp4' under the media root$"
    ):
        resolve_media_path(tmp_path, "videos/missing.mp4", must_be_file=True)
    with pytest.raises(MediaPathError, match=r"no file at '\.'"):
        resolve_media_path(tmp_path, ".", must_be_file=True)
