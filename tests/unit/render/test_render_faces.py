"""The face pass: segments of a long clip scanned at once give the samples of one pass over it."""

from pathlib import Path

import pytest

from viralclip_media import SubprocessFfmpegRunner
from viralclip_render.faces import FaceScan, scan_faces, scan_segments
from viralclip_render.sizes import FrameSize

from .conftest import FACE_SECONDS


@pytest.mark.parametrize(
    ("duration", "scan", "expected"),
    [
        (60.0, FaceScan(fps=3, segments=2), [(0.0, 30.0), (30.0, 30.0)]),
        (60.0, FaceScan(fps=3, segments=4), [(0.0, 15.0), (15.0, 15.0), (30.0, 15.0), (45.0, 15.0)]),
        (25.0, FaceScan(fps=3, segments=2), [(0.0, 38 / 3), (38 / 3, 25.0 - 38 / 3)]),
        (8.0, FaceScan(fps=3, segments=2), [(0.0, 8.0)]),  # shorter than two segments of 10 s
        (60.0, FaceScan(fps=3, segments=1), [(0.0, 60.0)]),
    ],
)
def test_segments_are_consecutive_and_on_the_sampling_grid(
    duration: float, scan: FaceScan, expected: list[tuple[float, float]]
) -> None:
    segments = scan_segments(duration, scan)

    assert [value for segment in segments for value in segment] == pytest.approx(
        [value for segment in expected for value in segment]
    )
    assert sum(length for _, length in segments) == pytest.approx(duration)
    for offset, _ in segments:
        assert offset * scan.fps == pytest.approx(round(offset * scan.fps))


async def test_a_clip_scanned_in_segments_gives_the_samples_of_one_pass(
    face_source: Path, runner: SubprocessFfmpegRunner
) -> None:
    async def scan(segments: int) -> list[tuple[float, float | None]]:
        samples = await scan_faces(
            runner,
            face_source,
            FrameSize(640, 360),
            0.0,
            FACE_SECONDS,
            timeout_sec=60,
            scan=FaceScan(segments=segments, min_segment_sec=2.0),
        )
        return [(round(sample.t, 6), sample.x) for sample in samples]

    whole, in_three = await scan(1), await scan(3)

    assert len(whole) == pytest.approx(FACE_SECONDS * 3, abs=1)
    assert [t for t, _ in in_three] == [t for t, _ in whole]
    found = [
        (a, b) for (_, a), (_, b) in zip(whole, in_three, strict=True) if a is not None and b is not None
    ]
    assert len(found) >= 0.8 * len(whole)
    assert max(abs(a - b) for a, b in found) < 0.02
