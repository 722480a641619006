"""The face pass: a face once found is followed, a larger one coming into view is taken, and segments
of a long clip scanned at once give the samples of one pass over it."""

from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from viralclip_media import SubprocessFfmpegRunner
from viralclip_render.faces import FULL_SEARCH_EVERY, FaceScan, detect_faces, scan_faces, scan_segments
from viralclip_render.sizes import FrameSize

from .conftest import FACE_SECONDS

FRAME_HEIGHT, FRAME_WIDTH = 270, 480  # the analysis size of a 16:9 frame
PORTRAIT = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2GRAY)


def analysis_frame(*portraits: tuple[int, int]) -> np.ndarray:
    """A grey analysis frame with the astronaut's portrait, `size` pixels square, at each (size, x)."""
    frame = np.full((FRAME_HEIGHT, FRAME_WIDTH), 128, np.uint8)
    for size, x in portraits:
        top = (FRAME_HEIGHT - size) // 2
        frame[top : top + size, x : x + size] = cv2.resize(
            PORTRAIT, (size, size), interpolation=cv2.INTER_AREA
        )
    return frame


def test_a_small_face_once_found_is_followed_on_every_frame() -> None:
    # a 130-px portrait (a 26-px face, as in a wide 1080p shot) crossing the frame in 20 s; a search
    # of the whole frame finds a face this small on only some frames
    count, size = 60, 130
    positions = [round(index * (FRAME_WIDTH - size) / (count - 1)) for index in range(count)]
    frames = np.stack([analysis_frame((size, x)) for x in positions])

    samples = detect_faces(frames, fps=3.0)

    assert [sample.t for sample in samples] == pytest.approx([index / 3 for index in range(count)])
    assert all(sample.x is not None for sample in samples)
    xs = [sample.x for sample in samples if sample.x is not None]
    assert xs == sorted(xs)
    assert xs[0] < 0.2
    assert xs[-1] > 0.8


def test_a_larger_face_coming_into_view_is_taken_within_a_whole_frame_search() -> None:
    small, large, appears = (130, 0), (230, 240), 10
    frames = np.stack([analysis_frame(small, *([large] if index >= appears else [])) for index in range(30)])

    samples = detect_faces(frames, fps=3.0)

    first = [sample.x for sample in samples[:appears]]
    assert all(x is not None and x < 0.3 for x in first)
    taken = appears + FULL_SEARCH_EVERY - appears % FULL_SEARCH_EVERY
    later = [sample.x for sample in samples[taken:]]
    assert all(x is not None and x > 0.6 for x in later)


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


def test_a_face_of_about_the_same_size_coming_into_view_does_not_take_the_camera() -> None:
    followed, similar, appears = (130, 0), (160, 300), 4  # a face 1.2x wider
    frames = np.stack(
        [analysis_frame(followed, *([similar] if index >= appears else [])) for index in range(30)]
    )

    samples = detect_faces(frames, fps=3.0)

    assert all(sample.x is not None and sample.x < 0.3 for sample in samples)
