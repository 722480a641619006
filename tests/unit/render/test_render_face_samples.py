"""Kept face samples: read back as written, and any file that is not a set of samples is ignored."""

from pathlib import Path

import pytest

from viralclip_render.face_samples import face_samples_path, load_face_samples, store_face_samples
from viralclip_render.faces import FaceScan
from viralclip_render.facetrack import FaceSample


def test_samples_are_read_back_as_written_and_the_key_follows_the_range(tmp_path: Path) -> None:
    source = tmp_path / "video.mp4"
    source.write_bytes(b"not decoded here")
    path = face_samples_path(tmp_path, "b-1", source, 3.0, 30.0, FaceScan())
    samples = [FaceSample(0.0, 0.25, 0.5), FaceSample(1 / 3, None, None), FaceSample(2 / 3, 1.0, 0.0)]

    store_face_samples(path, samples)

    assert load_face_samples(path) == samples
    assert path is not None
    assert [kept.name for kept in path.parent.iterdir()] == [path.name]  # no temporary file left
    assert face_samples_path(tmp_path, "b-1", source, 3.5, 30.0, FaceScan()) != path
    assert face_samples_path(tmp_path, "b-1", tmp_path / "gone.mp4", 3.0, 30.0, FaceScan()) is None


@pytest.mark.parametrize(
    "text",
    [
        "[[0, 0.5",  # cut short
        '{"t": 0}',
        "[[0, 0.5]]",
        '[[0, "left", 0.5]]',
        "[[0, NaN, 0.5]]",
        "[[0, 1.5, 0.5]]",
        "[[1e999, 0.5, 0.5]]",
        "[[true, 0.5, 0.5]]",
        "[" * 100_000,
        "",
    ],
)
def test_a_file_that_is_not_a_set_of_samples_is_ignored(tmp_path: Path, text: str) -> None:
    path = tmp_path / "kept.json"
    path.write_text(text, encoding="utf-8")

    assert load_face_samples(path) is None
