"""The rendered sample video: right size and length, each turn in its speaker's colour, no font needed."""

import asyncio
import json
import os
from pathlib import Path

import pytest

from viralclip_localstack.sample import (
    SampleVideoError,
    Turn,
    build_video,
    default_fonts_dir,
    render_video,
)
from viralclip_localstack.sample.__main__ import main
from viralclip_localstack.sample.picture import BACKGROUND_PROBE_XY, speaker_colours
from viralclip_media import ffmpeg_runner, probe_media
from viralclip_testkit.media import read_video_frame

FPS = 10
# H.264 stores colour as 4:2:0 YUV, so a decoded flat colour is close to, not equal to, the source.
TOLERANCE = 8

SHORT_TALK = build_video(
    [
        Turn("Ann", "Welcome to the show. Today we talk about the Moon."),
        Turn("Bob", "Thanks for having me. The Moon is a treasure chest of science."),
        Turn("Ann", "Why is that?"),
    ],
    video_id="v-short",
    title="A short talk",
    media_path="videos/short.mp4",
)


def _close(actual: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - e) <= TOLERANCE for a, e in zip(actual, expected, strict=True))


def _middle_of_turn(speaker_index: int) -> float:
    """The middle of the n-th scene, i.e. of the n-th speaker turn in SHORT_TALK."""
    scene = SHORT_TALK.scenes[speaker_index]
    return (scene.start_sec + scene.end_sec) / 2


async def test_the_video_is_1280x720_h264_as_long_as_the_transcript(tmp_path: Path) -> None:
    out = await render_video(SHORT_TALK, tmp_path / "short.mp4", fps=FPS, fonts_dir=default_fonts_dir())

    info = await probe_media(ffmpeg_runner(), out, timeout_sec=30)

    assert (info.video_codec, info.width, info.height) == ("h264", 1280, 720)
    assert abs(info.duration_sec - SHORT_TALK.duration_sec) <= 1 / FPS
    assert os.listdir(tmp_path) == ["short.mp4"]  # no partial file left behind


async def test_a_frame_inside_each_turn_shows_that_speakers_colour(tmp_path: Path) -> None:
    out = await render_video(SHORT_TALK, tmp_path / "short.mp4", fps=FPS, fonts_dir=default_fonts_dir())
    colours = speaker_colours(SHORT_TALK)
    assert len(SHORT_TALK.scenes) == 3

    frames = [await read_video_frame(ffmpeg_runner(), out, _middle_of_turn(i)) for i in range(3)]

    for frame, speaker in zip(frames, ["Ann", "Bob", "Ann"], strict=True):
        assert _close(frame.pixel(*BACKGROUND_PROBE_XY), colours[speaker])


async def test_without_any_font_the_video_still_renders_the_speakers_colours(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{tmp_path / "fonts"}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )

    out = await render_video(
        SHORT_TALK, tmp_path / "fontless.mp4", fps=FPS, env={"FONTCONFIG_FILE": str(config)}
    )

    frame = await read_video_frame(ffmpeg_runner(), out, _middle_of_turn(1))
    assert _close(frame.pixel(*BACKGROUND_PROBE_XY), speaker_colours(SHORT_TALK)["Bob"])
    assert _close(frame.pixel(640, 360), speaker_colours(SHORT_TALK)["Bob"])  # no disc drawn


async def test_a_failing_ffmpeg_is_reported_with_its_exit_code(tmp_path: Path) -> None:
    with pytest.raises(SampleVideoError, match="exit 1"):
        await render_video(SHORT_TALK, tmp_path / "x.mp4", ffmpeg="false")
    assert os.listdir(tmp_path) == []


async def test_a_render_that_overruns_its_timeout_is_stopped(tmp_path: Path) -> None:
    with pytest.raises(SampleVideoError, match="did not finish"):
        await render_video(SHORT_TALK, tmp_path / "x.mp4", timeout_sec=0.001)


def test_the_cli_writes_the_video_and_its_transcript_and_scenes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--minutes", "0.25", "--out", str(tmp_path)]) == 0

    videos = tmp_path / "videos"
    transcript = json.loads((videos / "hwhap-114.transcript.json").read_text())
    scenes = json.loads((videos / "hwhap-114.scenes.json").read_text())
    video = json.loads((videos / "hwhap-114.video.json").read_text())
    info = asyncio.run(probe_media(ffmpeg_runner(), videos / "hwhap-114.mp4", timeout_sec=30))
    assert transcript[0]["speaker"] == "Pat Ryan"
    assert scenes[0]["start_sec"] == 0.0
    assert video["media_path"] == "videos/hwhap-114.mp4"
    assert video["duration_sec"] <= 15
    assert abs(info.duration_sec - video["duration_sec"]) <= 0.1
    assert str(videos / "hwhap-114.mp4") in capsys.readouterr().out
