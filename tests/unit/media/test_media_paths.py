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


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v.mp4",
        "HTTPS://cdn.example/v.mp4",
        "file:///etc/passwd",
        "file:/etc/passwd",
        "s3://bucket/v.mp4",
        "data:video/mp4;base64,AAAA",
    ],
)
def test_a_url_is_refused_as_no_path_and_never_resolved(tmp_path: Path, url: str) -> None:
    with pytest.raises(MediaPathError) as error:
        resolve_media_path(tmp_path, url, must_be_file=True)

    assert error.value.field == "media_path"
    assert error.value.reason.startswith(
        f"must be a path relative to the media root, not a URL (got {url!r})"
    )
    assert "not fetched" in error.value.reason


def test_a_relative_name_with_a_colon_is_still_a_path(tmp_path: Path) -> None:
    assert resolve_media_path(tmp_path, "talks/part:2.mp4").relative == "talks/part:2.mp4"
    assert resolve_media_path(tmp_path, "talk:2.mp4").relative == "talk:2.mp4"


def test_a_missing_file_is_refused_only_when_a_file_is_required(tmp_path: Path) -> None:
    assert resolve_media_path(tmp_path, "videos/missing.mp4").relative == "videos/missing.mp4"

    with pytest.raises(
        MediaPathError, match=r"^media_path no file at 'videos/missing\.mp4' under the media root$"
    ):
        resolve_media_path(tmp_path, "videos/missing.mp4", must_be_file=True)
    with pytest.raises(MediaPathError, match=r"no file at '\.'"):
        resolve_media_path(tmp_path, ".", must_be_file=True)
