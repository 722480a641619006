"""The camera: still inside the dead zone, following (at a bounded speed) outside it, centre with no face."""

import itertools

import pytest

from viralclip_render.facetrack import FaceSample, TrackOptions, crop_path
from viralclip_render.reframe import CropPath

CROP = (0.316, 1.0)  # a 9:16 crop of a 16:9 frame
FPS = 3


def samples(xs: list[float | None]) -> list[FaceSample]:
    return [FaceSample(i / FPS, x, None if x is None else 0.5) for i, x in enumerate(xs)]


def position(path: CropPath, t: float) -> float:
    keys = path.keys
    if t <= keys[0].t:
        return keys[0].x
    for a, b in itertools.pairwise(keys):
        if a.t <= t <= b.t:
            return a.x + (b.x - a.x) * (t - a.t) / (b.t - a.t)
    return keys[-1].x


def test_no_face_anywhere_means_no_path() -> None:
    assert crop_path(samples([None] * 10), CROP) is None


def test_a_face_wobbling_inside_the_dead_zone_keeps_the_camera_still() -> None:
    wobble = [0.5 + 0.025 * (-1) ** i for i in range(30)]  # 0.05 apart < the dead zone, 0.2 x 0.316
    path = crop_path(samples(wobble), CROP)

    assert path is not None
    assert len(path.keys) == 1
    assert path.keys[0].x == pytest.approx(0.5, abs=0.05)


def test_a_face_crossing_the_frame_is_followed_at_a_bounded_speed() -> None:
    crossing = [0.2 + 0.6 * i / 59 for i in range(60)]  # left to right in 20 s
    path = crop_path(samples(crossing), CROP)

    assert path is not None
    assert position(path, 0) == pytest.approx(0.2, abs=0.02)
    assert position(path, 19.7) == pytest.approx(0.8, abs=0.2 * CROP[0] + 0.01)
    steps = [abs(b.x - a.x) / (b.t - a.t) for a, b in itertools.pairwise(path.keys)]
    assert max(steps) <= TrackOptions().max_speed * CROP[0] + 1e-6


def test_a_face_walking_steadily_is_followed_in_one_pan_not_in_steps() -> None:
    walking = [0.2 + 0.1 * i / FPS for i in range(18)]  # 0.1 of the frame a second, for 6 s
    path = crop_path(samples(walking), CROP)

    assert path is not None
    moving = [key for key in path.keys if key.t >= 1.0]
    assert all(b.x > a.x for a, b in itertools.pairwise(moving)), "the camera stopped mid-walk"


def test_the_crop_never_leaves_the_frame() -> None:
    path = crop_path(samples([0.01] * 5 + [0.99] * 25), CROP)

    assert path is not None
    assert min(key.x for key in path.keys) >= CROP[0] / 2 - 1e-9
    assert max(key.x for key in path.keys) <= 1 - CROP[0] / 2 + 1e-9


def test_a_single_stray_detection_does_not_move_the_camera() -> None:
    path = crop_path(samples([0.5] * 10 + [0.9] + [0.5] * 10), CROP)

    assert path is not None
    assert {round(key.x, 3) for key in path.keys} == {0.5}


def test_gaps_hold_the_last_seen_face() -> None:
    path = crop_path(samples([None, None, 0.7, 0.7, None, None, None, 0.7]), CROP)

    assert path is not None
    assert {round(key.x, 3) for key in path.keys} == {0.7}


def test_an_axis_the_crop_fills_stays_centred() -> None:
    path = crop_path(samples([0.7] * 5), CROP)

    assert path is not None
    assert {key.y for key in path.keys} == {0.5}
