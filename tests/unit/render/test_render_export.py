"""Whole renders on real ffmpeg: the cut, the sizes, captions, the face crop, reuse and leftovers."""

import itertools
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import cv2
import numpy as np
import pytest

from viralclip_contracts import AspectRatio, ReframeMode, RenderResolution, RenderSettings
from viralclip_media import FfmpegResult, ProgressCallback, SubprocessFfmpegRunner, probe_media
from viralclip_render.captions import HIGHLIGHT_COLOUR, CaptionWord, caption_layout
from viralclip_render.paths import work_dir
from viralclip_render.render import (
    RenderFailed,
    RenderOptions,
    RenderRequest,
    render_export,
    summarise_ffmpeg_error,
)
from viralclip_render.sizes import FrameSize
from viralclip_testkit.media import colour_at_second, colour_matches, ffmpeg_executable, rotated_for_display

from .conftest import SOURCE_FPS, decoded_frames


class CountingRunner(SubprocessFfmpegRunner):
    """The real runner, recording the arguments of every run."""

    def __init__(self) -> None:
        super().__init__(ffmpeg_executable())
        self.calls: list[list[str]] = []

    async def run(
        self,
        args: Sequence[str],
        *,
        timeout_sec: float,
        capture_stdout: bool = False,
        on_progress: ProgressCallback | None = None,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> FfmpegResult:
        self.calls.append(list(args))
        return await super().run(
            args, timeout_sec=timeout_sec, capture_stdout=capture_stdout, on_progress=on_progress
        )

    @property
    def renders(self) -> int:
        return sum("libx264" in call for call in self.calls)


def settings(
    aspect: AspectRatio = AspectRatio.PORTRAIT,
    reframe: ReframeMode = ReframeMode.CENTER,
    *,
    captions: bool = False,
    resolution: RenderResolution = RenderResolution.HD_720,
) -> RenderSettings:
    return RenderSettings(aspect_ratio=aspect, reframe=reframe, captions=captions, resolution=resolution)


def request(
    source: Path, start: float, end: float, render: RenderSettings, *, export_id: str = "e-1", **more: object
) -> RenderRequest:
    return RenderRequest(
        export_id=export_id,
        batch_id="b-1",
        source=source,
        start_sec=start,
        end_sec=end,
        settings=render,
        **more,  # type: ignore[arg-type]
    )


async def test_the_first_and_last_frames_are_the_clips_and_the_duration_is_within_a_frame(
    timestamp_source: Path, tmp_path: Path
) -> None:
    runner = CountingRunner()
    progress: list[float] = []

    async def record(value: float) -> None:
        progress.append(value)

    # 3.05 s lies after the keyframe at 2.0 s (2 s GOP): a keyframe-seeking cut would start in second 2
    done = await render_export(
        request(timestamp_source, 3.05, 5.95, settings()),
        runner=runner,
        options=RenderOptions(media_root=tmp_path),
        on_progress=record,
    )

    output = tmp_path / done.file_path
    assert done.file_path == "exports/b-1/e-1.mp4"
    assert done.rendered
    frames = decoded_frames(output, 9, 16)
    assert len(frames) == pytest.approx(29, abs=1)
    first, last = (tuple(int(c) for c in frame[8, 4]) for frame in (frames[0], frames[-1]))
    assert colour_matches(first, colour_at_second(3)), first
    assert colour_matches(last, colour_at_second(5)), last
    assert abs(done.duration_sec - 2.9) <= 1 / SOURCE_FPS
    info = await probe_media(runner, output, timeout_sec=30)
    assert (info.width, info.height, info.video_codec, info.has_audio) == (720, 1280, "h264", True)
    assert done.size_bytes == output.stat().st_size
    assert progress == sorted(progress)


@pytest.mark.parametrize(
    ("aspect", "size"),
    [
        (AspectRatio.PORTRAIT, FrameSize(1080, 1920)),
        (AspectRatio.SQUARE, FrameSize(1080, 1080)),
        (AspectRatio.FEED, FrameSize(1080, 1350)),
        (AspectRatio.LANDSCAPE, FrameSize(1920, 1080)),
    ],
)
async def test_each_ratio_renders_at_its_exact_size(
    aspect: AspectRatio,
    size: FrameSize,
    timestamp_source: Path,
    tmp_path: Path,
    runner: SubprocessFfmpegRunner,
) -> None:
    render = settings(aspect, ReframeMode.FIT, resolution=RenderResolution.HD_1080)
    done = await render_export(
        request(timestamp_source, 1.0, 1.5, render), runner=runner, options=RenderOptions(media_root=tmp_path)
    )

    assert (done.width, done.height) == (size.width, size.height)


async def fit_render(
    source: Path, start: float, end: float, media_root: Path, runner: SubprocessFfmpegRunner
) -> tuple[float, np.ndarray]:
    """A 9:16 720 `fit` render of [start, end] s: its duration and every frame, scaled to 72x128."""
    done = await render_export(
        request(source, start, end, settings(reframe=ReframeMode.FIT)),
        runner=runner,
        options=RenderOptions(media_root=media_root),
    )
    return done.duration_sec, decoded_frames(media_root / done.file_path, 72, 128)


async def test_fit_shows_the_whole_frame_between_dimmed_bands_of_itself(
    timestamp_source: Path, tmp_path: Path, runner: SubprocessFfmpegRunner
) -> None:
    duration, frames = await fit_render(timestamp_source, 2.0, 4.0, tmp_path, runner)

    assert abs(duration - 2.0) <= 1 / SOURCE_FPS
    assert len(frames) == pytest.approx(2.0 * SOURCE_FPS, abs=1)
    for index, second in ((0, 2), (len(frames) - 1, 3)):
        frame = frames[index].astype(int)
        middle = tuple(int(c) for c in frame[64, 36])  # the 16:9 frame fills rows 44–84 of 128
        assert colour_matches(middle, colour_at_second(second)), (index, middle)
        band = frame[8:36].reshape(-1, 3).mean(axis=0)  # the blurred centre of the same frame, dimmed
        colour = np.array(colour_at_second(second))
        assert 0.5 * colour.sum() < band.sum() < 0.95 * colour.sum(), (index, band)
        assert int(np.argmax(band)) == int(np.argmax(colour)), (index, band)


async def test_a_phone_video_stored_on_its_side_is_rendered_upright_and_undistorted(
    timestamp_source: Path, tmp_path: Path, runner: SubprocessFfmpegRunner
) -> None:
    # stored 320x180 (black bar left, white bar right), shown turned a quarter counter-clockwise: 180x320,
    # white at the top, black at the bottom — already 9:16, so `fit` fills the frame with it, no bands
    phone = rotated_for_display(timestamp_source, tmp_path / "phone.mp4", 90)

    _, frames = await fit_render(phone, 2.0, 3.0, tmp_path / "media", runner)

    frame = frames[0].astype(int)
    top, middle, bottom = (tuple(int(c) for c in frame[row, 36]) for row in (6, 64, 121))
    assert colour_matches(top, (255, 255, 255)), top
    assert colour_matches(middle, colour_at_second(2)), middle
    assert colour_matches(bottom, (0, 0, 0)), bottom


async def test_fit_bands_are_held_between_refreshes_while_the_foreground_moves_every_frame(
    hue_source: Path, tmp_path: Path, runner: SubprocessFfmpegRunner
) -> None:
    _, decoded = await fit_render(hue_source, 0.0, 1.0, tmp_path, runner)
    frames = decoded.astype(int)
    band_changes = [np.abs(b[4:36] - a[4:36]).mean() for a, b in itertools.pairwise(frames)]
    middle_changes = [np.abs(b[50:78] - a[50:78]).mean() for a, b in itertools.pairwise(frames)]

    assert len(frames) == pytest.approx(30, abs=1)
    assert min(middle_changes) > 0.5  # the foreground changes on every frame, as the source does
    held = sum(change < 0.5 for change in band_changes)
    assert held >= len(band_changes) * 0.6, band_changes  # ~2 frames of 3 keep the band as it was
    assert max(band_changes) > 5.0  # and the band is refreshed: it is not a still


WORDS = (CaptionWord("Moon", 0.2, 0.7), CaptionWord("base", 0.8, 1.3), CaptionWord("one", 1.4, 1.9))


async def captioned_frame(
    source: Path, media_root: Path, runner: SubprocessFfmpegRunner, *, captions: bool, at: float
) -> np.ndarray:
    """The frame at `at` of a 9:16 720 render of [4.5, 6.5] s with or without captions of WORDS."""
    done = await render_export(
        request(source, 4.5, 6.5, settings(captions=captions), words=WORDS, export_id=f"e-{captions}"),
        runner=runner,
        options=RenderOptions(media_root=media_root),
    )
    frame = decoded_frames(media_root / done.file_path, 720, 1280, at_sec=at)[0]
    return frame


async def test_captions_appear_in_the_safe_area_with_the_active_word_highlighted(
    timestamp_source: Path, tmp_path: Path, runner: SubprocessFfmpegRunner
) -> None:
    with_captions = await captioned_frame(timestamp_source, tmp_path, runner, captions=True, at=1.0)
    without = await captioned_frame(timestamp_source, tmp_path, runner, captions=False, at=1.0)
    layout = caption_layout(FrameSize(720, 1280), AspectRatio.PORTRAIT)
    safe_line = 1280 - layout.margin_bottom

    changed = np.abs(with_captions.astype(int) - without.astype(int)).max(axis=2) > 60
    rows = np.flatnonzero(changed.any(axis=1))
    assert rows.size > 0, "no caption pixels"
    assert rows.max() <= safe_line + layout.outline + 2
    assert rows.min() >= safe_line - 2 * layout.font_size
    r, g, b = (with_captions[..., i].astype(int) for i in range(3))
    hr, hg, hb = HIGHLIGHT_COLOUR
    highlighted = (abs(r - hr) < 40) & (abs(g - hg) < 40) & (abs(b - hb) < 60)
    columns = np.flatnonzero(highlighted.any(axis=0))
    assert highlighted.sum() > 100, "the active word is not in the highlight colour"
    assert 720 * 0.3 < columns.mean() < 720 * 0.7, "the active word at 1.0 s is the middle one, 'base'"


async def test_no_caption_pixels_when_captions_are_off(
    timestamp_source: Path, tmp_path: Path, runner: SubprocessFfmpegRunner
) -> None:
    frame = await captioned_frame(timestamp_source, tmp_path, runner, captions=False, at=1.0)

    r, g, b = (frame[..., i].astype(int) for i in range(3))
    hr, hg, hb = HIGHLIGHT_COLOUR
    assert not ((abs(r - hr) < 40) & (abs(g - hg) < 40) & (abs(b - hb) < 60)).any()
    layout = caption_layout(FrameSize(720, 1280), AspectRatio.PORTRAIT)
    safe_line = 1280 - layout.margin_bottom
    band = frame[safe_line - 2 * layout.font_size : safe_line + layout.outline, 72:648].astype(int)
    background = frame[300, 360].astype(int)
    assert np.abs(band - background).max() < 40, "something is drawn where captions would be"


def face_centre(frame: np.ndarray) -> float | None:
    """The horizontal centre of the largest face in an RGB frame, as a share of its width."""
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    cascade = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"))  # type: ignore[attr-defined]
    faces = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(20, 20))
    if len(faces) == 0:
        return None
    x, _, w, _ = max(faces, key=lambda f: f[2] * f[3])
    return float((x + w / 2) / frame.shape[1])


async def test_the_face_crop_follows_a_face_across_the_frame(
    face_source: Path, tmp_path: Path, runner: SubprocessFfmpegRunner
) -> None:
    options = RenderOptions(media_root=tmp_path)
    face = await render_export(
        request(face_source, 0.0, 6.0, settings(reframe=ReframeMode.FACE), export_id="e-face"),
        runner=runner,
        options=options,
    )
    centre = await render_export(
        request(face_source, 0.0, 6.0, settings(), export_id="e-centre"), runner=runner, options=options
    )

    for at in (0.6, 3.0, 5.4):
        (followed,) = decoded_frames(tmp_path / face.file_path, 270, 480, at_sec=at)
        found = face_centre(followed)
        assert found is not None, f"the face left the crop at {at} s"
        assert 0.2 < found < 0.8, f"the face is at {found:.2f} of the crop's width at {at} s"
    for at in (0.6, 5.4):  # the centre crop loses the face near either edge
        (still,) = decoded_frames(tmp_path / centre.file_path, 270, 480, at_sec=at)
        assert face_centre(still) is None


def face_passes(runner: CountingRunner) -> int:
    return sum("rawvideo" in call for call in runner.calls)


def render_graphs(runner: CountingRunner) -> list[str]:
    return [call[call.index("-filter_complex") + 1] for call in runner.calls if "libx264" in call]


async def test_another_face_export_of_the_same_range_reuses_the_face_pass(
    face_source: Path, tmp_path: Path
) -> None:
    runner = CountingRunner()
    options = RenderOptions(media_root=tmp_path)
    face = settings(reframe=ReframeMode.FACE)
    square = settings(AspectRatio.SQUARE, ReframeMode.FACE)

    await render_export(request(face_source, 0.0, 6.0, face, export_id="e-1"), runner=runner, options=options)
    scanned = face_passes(runner)
    await render_export(
        request(face_source, 0.0, 6.0, square, export_id="e-2"), runner=runner, options=options
    )
    await render_export(request(face_source, 1.0, 6.0, face, export_id="e-3"), runner=runner, options=options)

    assert scanned >= 1
    assert face_passes(runner) == 2 * scanned  # the square export found the kept samples, the edit did not
    kept = sorted((tmp_path / "exports" / ".faces" / "b-1").glob("*.json"))
    assert len(kept) == 2
    for path in kept:
        path.write_text("[[0, 0.5", encoding="utf-8")  # cut short: not a set of samples any more
    fresh = CountingRunner()
    await render_export(
        request(face_source, 0.0, 6.0, square, export_id="e-4"), runner=fresh, options=options
    )
    assert face_passes(fresh) == scanned  # scanned again ...
    assert render_graphs(fresh) == render_graphs(runner)[1:2]  # ... to the same crop path as the kept one


async def test_a_replaced_source_video_is_scanned_for_faces_afresh(face_source: Path, tmp_path: Path) -> None:
    runner = CountingRunner()
    options = RenderOptions(media_root=tmp_path)
    source = tmp_path / "videos" / "face.mp4"
    source.parent.mkdir()
    shutil.copyfile(face_source, source)
    face = settings(reframe=ReframeMode.FACE)

    await render_export(request(source, 0.0, 4.0, face, export_id="e-1"), runner=runner, options=options)
    scanned = face_passes(runner)
    shutil.copyfile(face_source, source.with_suffix(".new"))
    source.with_suffix(".new").replace(source)  # the same path, another file
    await render_export(request(source, 0.0, 4.0, face, export_id="e-2"), runner=runner, options=options)

    assert face_passes(runner) == 2 * scanned


async def test_an_existing_export_is_reused_without_rendering(timestamp_source: Path, tmp_path: Path) -> None:
    runner = CountingRunner()
    options = RenderOptions(media_root=tmp_path)
    wanted = request(timestamp_source, 1.0, 2.0, settings())
    first = await render_export(wanted, runner=runner, options=options)
    renders = runner.renders

    again = await render_export(wanted, runner=runner, options=options)

    assert renders == 1
    assert runner.renders == 1
    assert not again.rendered
    assert (again.file_path, again.size_bytes, again.width) == (
        first.file_path,
        first.size_bytes,
        first.width,
    )


async def test_a_crashed_attempts_leftovers_are_cleared_and_only_the_export_remains(
    timestamp_source: Path, tmp_path: Path, runner: SubprocessFfmpegRunner
) -> None:
    scratch = work_dir(tmp_path, "e-1")
    scratch.mkdir(parents=True)
    (scratch / "e-1.part.mp4").write_bytes(b"half a file")

    done = await render_export(
        request(timestamp_source, 1.0, 2.0, settings()),
        runner=runner,
        options=RenderOptions(media_root=tmp_path),
    )

    assert not scratch.exists()
    assert sorted(p.name for p in (tmp_path / "exports" / "b-1").iterdir()) == ["e-1.mp4"]
    assert done.rendered


async def test_a_clip_past_the_end_of_the_video_fails_with_what_to_do(
    timestamp_source: Path, tmp_path: Path, runner: SubprocessFfmpegRunner
) -> None:
    with pytest.raises(RenderFailed) as failed:
        await render_export(
            request(timestamp_source, 8.0, 14.0, settings()),
            runner=runner,
            options=RenderOptions(media_root=tmp_path),
        )

    assert str(failed.value) == (
        "Rendering failed: the source video ends at 0:10.00, before the clip's end at 0:14.00. "
        "Re-register the right video or shorten the clip."
    )
    assert not (tmp_path / "exports" / "b-1").exists()


async def test_an_unreadable_source_fails_with_a_readable_reason(
    tmp_path: Path, runner: SubprocessFfmpegRunner
) -> None:
    broken = tmp_path / "videos" / "broken.mp4"
    broken.parent.mkdir()
    broken.write_bytes(b"this is not a video")

    with pytest.raises(RenderFailed, match=r"^Rendering failed: the source video is not a readable video"):
        await render_export(
            request(broken, 0.0, 1.0, settings()), runner=runner, options=RenderOptions(media_root=tmp_path)
        )


def test_an_ffmpeg_failure_is_summarised_by_its_cause_not_its_consequences() -> None:
    stderr = (
        "[libx264 @ 0x55ad5238e640] Error setting profile banana.\n"
        "[libx264 @ 0x55ad5238e640] Possible profiles: baseline main high high10 high422 high444\n"
        "[vf#0:0 @ 0x55ad5238e000] Error sending frames to consumers: Invalid argument\n"
        "[vf#0:0 @ 0x55ad5238e000] Task finished with error code: -22 (Invalid argument)\n"
        "[out#0/mp4 @ 0x55ad5238e100] Nothing was written into output file, because at least one of its "
        "streams received no packets.\n"
        "Conversion failed!\n"
    )

    assert summarise_ffmpeg_error(stderr) == (
        "Error setting profile banana; Possible profiles: baseline main high high10 high422 high444"
    )
    assert summarise_ffmpeg_error("") == "ffmpeg printed nothing"
