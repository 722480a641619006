"""Registered media paths stay inside the media root, as field errors; uploads are staged and named safely."""

import io
from pathlib import Path

import pytest
from starlette.datastructures import UploadFile

from viralclip_batch_api.adapters.media import probe_duration, resolve_media_path, staged_upload, upload_path
from viralclip_batch_api.core.errors import FieldError


def test_a_relative_path_resolves_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "videos").mkdir()
    (tmp_path / "videos" / "a.mp4").write_bytes(b"x")

    media = resolve_media_path(tmp_path, "videos/./a.mp4")

    assert (media.absolute, media.relative) == ((tmp_path / "videos" / "a.mp4").resolve(), "videos/a.mp4")


def test_an_absolute_path_inside_the_root_is_stored_relative(tmp_path: Path) -> None:
    (tmp_path / "a.mp4").write_bytes(b"x")

    assert resolve_media_path(tmp_path, str(tmp_path / "a.mp4")).relative == "a.mp4"


@pytest.mark.parametrize("given", ["../outside.mp4", "/etc/passwd", "videos/../../x"])
def test_paths_leaving_the_root_are_refused(tmp_path: Path, given: str) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (tmp_path / "outside.mp4").write_bytes(b"x")

    with pytest.raises(FieldError) as error:
        resolve_media_path(root, given)

    assert (error.value.field, error.value.reason) == (
        "media_path",
        f"must be a path inside the media root (got {given!r})",
    )


def test_a_symlink_out_of_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (tmp_path / "secret.mp4").write_bytes(b"x")
    (root / "link.mp4").symlink_to(tmp_path / "secret.mp4")

    with pytest.raises(FieldError, match="inside the media root"):
        resolve_media_path(root, "link.mp4")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FieldError, match=r"no file at 'videos/missing\.mp4'"):
        resolve_media_path(tmp_path, "videos/missing.mp4")


def test_a_nul_byte_is_refused_naming_the_field(tmp_path: Path) -> None:
    with pytest.raises(FieldError) as error:
        resolve_media_path(tmp_path, "videos/a\x00.mp4")

    assert (error.value.field, error.value.reason) == ("media_path", "must not contain a NUL byte")


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("my talk.mp4", "uploads/v-1/my_talk.mp4"),
        ("../../etc/passwd", "uploads/v-1/passwd"),
        (None, "uploads/v-1/media"),
        ("...", "uploads/v-1/media"),
    ],
)
def test_upload_names_are_made_safe(filename: str | None, expected: str) -> None:
    assert upload_path("v-1", filename) == expected


async def test_a_file_that_is_no_video_is_an_error_on_the_media_naming_no_server_path(tmp_path: Path) -> None:
    notes = tmp_path / "notes.mp4"
    notes.write_text("a shopping list\n")

    with pytest.raises(FieldError) as error:
        await probe_duration(notes, timeout_sec=30, field="media")

    assert error.value.field == "media"
    assert error.value.reason.startswith("the file is not a readable video")
    assert error.value.reason.endswith("; register a video file")
    assert str(tmp_path) not in error.value.reason


async def test_a_staged_upload_becomes_the_target_when_its_registration_succeeds(tmp_path: Path) -> None:
    target = tmp_path / "uploads" / "v-1" / "talk.mp4"

    async with staged_upload(UploadFile(io.BytesIO(b"video")), target, max_bytes=100) as staged:
        assert (staged.parent, staged.suffix) == (target.parent, ".mp4")
        assert (staged.read_bytes(), target.exists()) == (b"video", False)

    assert [p.name for p in target.parent.iterdir()] == ["talk.mp4"]
    assert target.read_bytes() == b"video"


@pytest.mark.parametrize("content", [b"video", b"x" * 101, b""])
async def test_a_refused_upload_leaves_no_file(tmp_path: Path, content: bytes) -> None:
    target = tmp_path / "uploads" / "v-1" / "talk.mp4"

    with pytest.raises(FieldError):
        async with staged_upload(UploadFile(io.BytesIO(content)), target, max_bytes=100):
            raise FieldError("transcript[1].end_sec", "after the end of the video")

    assert list(target.parent.iterdir()) == []
