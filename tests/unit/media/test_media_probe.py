"""Probing: one MediaInfo from a real file, from ffmpeg's banner, or from ffprobe's JSON."""

import json
from pathlib import Path

import pytest

from viralclip_media import (
    FfmpegResult,
    MediaInfo,
    ProbeError,
    SubprocessFfmpegRunner,
    parse_ffmpeg_banner,
    parse_ffprobe_json,
    probe_media,
)
from viralclip_testkit.media import rotated_for_display

BANNER = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'v.mp4':
  Duration: 01:02:03.50, start: 0.000000, bitrate: 18 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), \
1280x720 [SAR 1:1 DAR 16:9], 18 kb/s, 29.97 fps, 29.97 tbr, 10240 tbn (default)
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s (default)
At least one output file must be specified
"""

# What the bundled ffmpeg 9 prints for `-i` on files that are no video; every stream line is real.
JSON_READ_AS_LYRICS = """\
[in#0 @ 0x55ecbdc19080] Format lrc detected only with low score of 5, misdetection possible!
Input #0, lrc, from '/srv/media/videos/transcript.json':
  Duration: N/A, bitrate: N/A
  Stream #0:0: Subtitle: text
At least one output file must be specified
"""
TRUNCATED_MP4 = """\
[in#0 @ 0x5565b2766080] moov atom not found
[in#0 @ 0x5565b2765d00] Error opening input: Invalid data found when processing input
Error opening input file /srv/media/videos/cut.mp4.
Error opening input files: Invalid data found when processing input
"""
SIZELESS_STREAM = """\
[in#0/vvc @ 0x56129df9c080] Could not find codec parameters for stream 0 (Video: vvc, none): \
unspecified size
Consider increasing the value for the 'analyzeduration' (0) and 'probesize' (5000000) options
Input #0, vvc, from '/srv/media/videos/mid.mp4':
  Duration: N/A, bitrate: N/A
  Stream #0:0: Video: vvc, none, 25 fps, 1200k tbr, 1200k tbn
At least one output file must be specified
"""

FFPROBE_REPORT = {
    "streams": [
        {"codec_type": "video", "codec_name": "mjpeg", "width": 300, "height": 300,
         "disposition": {"attached_pic": 1}},
        {"codec_type": "video", "codec_name": "h264", "width": 720, "height": 576,
         "sample_aspect_ratio": "64:45", "avg_frame_rate": "30000/1001", "r_frame_rate": "30000/1001"},
        {"codec_type": "audio", "codec_name": "aac"},
    ],
    "format": {"duration": "62.500000"},
}  # fmt: skip


def _ffprobe(report: object, stderr: str = "", returncode: int = 0) -> FfmpegResult:
    return FfmpegResult(returncode, stderr, json.dumps(report).encode())


async def test_a_real_clip_is_probed_with_ffmpeg(runner: SubprocessFfmpegRunner, tiny_clip: Path) -> None:
    info = await probe_media(runner, tiny_clip, timeout_sec=30)

    assert info.duration_sec == pytest.approx(2.0, abs=0.1)
    assert (info.width, info.height, info.pixel_width, info.pixel_height) == (320, 180, 320, 180)
    assert (info.frame_rate, info.video_codec, info.has_audio) == (10.0, "h264", True)


async def test_non_square_pixels_give_the_display_width_and_keep_the_stored_one(
    runner: SubprocessFfmpegRunner, silent_anamorphic_clip: Path
) -> None:
    info = await probe_media(runner, silent_anamorphic_clip, timeout_sec=30)

    assert (info.width, info.height) == (320, 180)
    assert (info.pixel_width, info.pixel_height) == (240, 180)
    assert (info.frame_rate, info.has_audio) == (5.0, False)


@pytest.mark.parametrize(("degrees", "rotation"), [(90, 90), (-90, 270), (180, 180)])
async def test_a_video_turned_for_display_gives_its_upright_size_and_keeps_the_stored_one(
    runner: SubprocessFfmpegRunner, tiny_clip: Path, tmp_path: Path, degrees: int, rotation: int
) -> None:
    turned = rotated_for_display(tiny_clip, tmp_path / "phone.mp4", degrees)

    info = await probe_media(runner, turned, timeout_sec=30)

    upright = (180, 320) if rotation in (90, 270) else (320, 180)
    assert (info.width, info.height, info.rotation) == (*upright, rotation)
    assert (info.pixel_width, info.pixel_height) == (320, 180)


def test_the_banner_of_an_older_ffmpeg_gives_the_rotation_too() -> None:
    older = BANNER.replace(
        "(default)\n  Stream #0:1",
        "(default)\n    Side data:\n      displaymatrix: rotation of -90.00 degrees\n  Stream #0:1",
    )  # ffmpeg 5–7 (Debian's) print the display matrix in lower case, as one word

    info = parse_ffmpeg_banner(Path("v.mp4"), older)

    assert (info.width, info.height, info.rotation) == (720, 1280, 270)
    assert parse_ffmpeg_banner(Path("v.mp4"), BANNER).rotation == 0


def test_ffprobe_json_reads_the_display_matrix_or_the_older_rotate_tag() -> None:
    stream = {"codec_type": "video", "codec_name": "h264", "width": 1920, "height": 1080}
    matrix = {**stream, "side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}]}
    tagged = {**stream, "tags": {"rotate": "90"}}  # clockwise, as older muxers wrote it
    reports = [{"format": {"duration": "3.0"}, "streams": [video]} for video in (matrix, tagged, stream)]

    infos = [parse_ffprobe_json(Path("v.mp4"), _ffprobe(report)) for report in reports]

    assert [(i.width, i.height, i.rotation) for i in infos] == [(1080, 1920, 270)] * 2 + [(1920, 1080, 0)]


async def test_a_missing_file_is_named_as_missing(runner: SubprocessFfmpegRunner, tmp_path: Path) -> None:
    with pytest.raises(ProbeError, match=r"gone\.mp4 does not exist") as error:
        await probe_media(runner, tmp_path / "gone.mp4", timeout_sec=30)

    assert error.value.reason == "does not exist"


async def test_a_file_that_is_no_video_says_so(runner: SubprocessFfmpegRunner, tmp_path: Path) -> None:
    notes = tmp_path / "notes.mp4"
    notes.write_text("this is a shopping list, not a video\n")

    with pytest.raises(ProbeError, match=r"notes\.mp4 is not a readable video: .+"):
        await probe_media(runner, notes, timeout_sec=30)


async def test_an_ffprobe_runner_is_used_when_given(tmp_path: Path) -> None:
    script = tmp_path / "ffprobe"
    script.write_text(f"#!/bin/sh\necho $@ > {tmp_path / 'args'}\necho '{json.dumps(FFPROBE_REPORT)}'\n")
    script.chmod(0o755)
    never = SubprocessFfmpegRunner(str(tmp_path / "no-ffmpeg"))

    info = await probe_media(
        never, Path("v.mp4"), timeout_sec=10, ffprobe=SubprocessFfmpegRunner(str(script), name="ffprobe")
    )

    assert info.video_codec == "h264"
    assert "-print_format json -show_format -show_streams v.mp4" in (tmp_path / "args").read_text()


def test_the_banner_gives_every_field() -> None:
    assert parse_ffmpeg_banner(Path("v.mp4"), BANNER) == MediaInfo(
        duration_sec=pytest.approx(3723.5),  # type: ignore[arg-type]
        width=1280,
        height=720,
        pixel_width=1280,
        pixel_height=720,
        frame_rate=29.97,
        video_codec="h264",
        has_audio=True,
        audio_codec="aac",
    )


def test_the_banner_reports_the_display_width_of_non_square_pixels() -> None:
    anamorphic = BANNER.replace("1280x720 [SAR 1:1 DAR 16:9]", "720x576 [SAR 64:45 DAR 16:9]")

    info = parse_ffmpeg_banner(Path("v.mp4"), anamorphic)

    assert (info.width, info.height, info.pixel_width) == (1024, 576, 720)


def test_a_banner_without_a_frame_rate_leaves_it_unknown() -> None:
    info = parse_ffmpeg_banner(Path("v.mp4"), BANNER.replace("29.97 fps, 29.97 tbr, ", ""))

    assert info.frame_rate is None


@pytest.mark.parametrize(
    "banner",
    [
        BANNER.replace("Video: h264", "Audio: aac").replace("1280x720 ", ""),
        BANNER.replace("  Duration: 01:02:03.50,", "  Duration: N/A,"),
    ],
    ids=["no video stream", "no duration"],
)
def test_a_banner_without_a_video_or_a_duration_is_refused(banner: str) -> None:
    with pytest.raises(ProbeError, match="not a readable video"):
        parse_ffmpeg_banner(Path("v.mp4"), banner)


def test_a_json_file_ffmpeg_reads_as_lyrics_is_refused_for_its_missing_video_stream() -> None:
    with pytest.raises(ProbeError) as error:
        parse_ffmpeg_banner(Path("/srv/media/videos/transcript.json"), JSON_READ_AS_LYRICS)

    assert (
        error.value.reason == "is not a readable video: it has no video stream, only subtitle (read as lrc)"
    )


@pytest.mark.parametrize(
    ("name", "banner", "cause"),
    [
        ("cut.mp4", TRUNCATED_MP4, "moov atom not found; Invalid data found when processing input"),
        ("mid.mp4", SIZELESS_STREAM, "its vvc video stream has no frame size (read as vvc)"),
        ("v.mp4", BANNER.replace("  Duration: 01:02:03.50,", "  Duration: N/A,"), "ffmpeg found no duration"),
    ],
    ids=["truncated", "no frame size", "no duration"],
)
def test_a_refused_banner_gives_ffmpeg_s_cause_not_its_closing_line_nor_the_path(
    name: str, banner: str, cause: str
) -> None:
    with pytest.raises(ProbeError) as error:
        parse_ffmpeg_banner(Path("/srv/media/videos") / name, banner)

    assert error.value.reason.startswith(f"is not a readable video: {cause}")
    assert "output file" not in error.value.reason
    assert "/srv/media" not in error.value.reason


async def test_a_transcript_registered_as_the_video_says_what_is_wrong_with_it(
    runner: SubprocessFfmpegRunner, tmp_path: Path
) -> None:
    transcript = tmp_path / "transcript.json"
    transcript.write_text(
        json.dumps([{"start_sec": i, "end_sec": i + 1, "text": "hello"} for i in range(50)])
    )

    with pytest.raises(ProbeError, match=r"transcript\.json is not a readable video: .+") as error:
        await probe_media(runner, transcript, timeout_sec=30)

    assert "output file" not in error.value.reason
    assert str(tmp_path) not in error.value.reason


async def test_a_text_file_ffmpeg_draws_as_a_video_is_refused(
    runner: SubprocessFfmpegRunner, tmp_path: Path
) -> None:
    """ffmpeg reads any text file as the `tty` format, with a 640x400 `ansi` "video" of its lines."""
    notes = tmp_path / "notes.txt"
    notes.write_text("# Notes\n\nA README saved with the wrong name.\n" * 40)

    with pytest.raises(ProbeError) as error:
        await probe_media(runner, notes, timeout_sec=30)

    assert error.value.reason == "is not a readable video: it is text, not a video (read as tty)"


def test_an_audio_file_with_cover_art_is_refused_for_its_missing_video() -> None:
    banner = (
        "Input #0, mp3, from 'episode.mp3':\n"
        "  Duration: 00:42:10.03, start: 0.025056, bitrate: 128 kb/s\n"
        "  Stream #0:0: Audio: mp3 (mp3float), 44100 Hz, stereo, fltp, 128 kb/s\n"
        "  Stream #0:1: Video: mjpeg (Baseline), yuvj420p(pc), 600x600 [SAR 1:1 DAR 1:1], 90k tbr, "
        "90k tbn (attached pic)\n"
        "At least one output file must be specified\n"
    )

    with pytest.raises(ProbeError) as error:
        parse_ffmpeg_banner(Path("episode.mp3"), banner)

    assert error.value.reason == (
        "is not a readable video: it has no video stream, only audio, cover art (read as mp3)"
    )


def test_a_banner_of_an_unreadable_file_says_permission_denied() -> None:
    with pytest.raises(ProbeError, match=r"v\.mp4 is not readable \(permission denied\)"):
        parse_ffmpeg_banner(Path("v.mp4"), "v.mp4: Permission denied\n")


def test_ffprobe_json_gives_the_same_fields_skipping_cover_art() -> None:
    assert parse_ffprobe_json(Path("v.mp4"), _ffprobe(FFPROBE_REPORT)) == MediaInfo(
        duration_sec=62.5,
        width=1024,
        height=576,
        pixel_width=720,
        pixel_height=576,
        frame_rate=pytest.approx(29.97, abs=0.01),  # type: ignore[arg-type]
        video_codec="h264",
        has_audio=True,
        audio_codec="aac",
    )


def test_ffprobe_json_without_a_video_stream_is_refused() -> None:
    audio_only = {"streams": [{"codec_type": "audio"}], "format": {"duration": "3.0"}}

    with pytest.raises(ProbeError, match="not a readable video"):
        parse_ffprobe_json(Path("v.mp4"), _ffprobe(audio_only))


def test_ffprobe_json_without_a_video_stream_names_what_the_file_has() -> None:
    audio_only = {"streams": [{"codec_type": "audio"}], "format": {"duration": "3.0", "format_name": "mp3"}}

    with pytest.raises(ProbeError) as error:
        parse_ffprobe_json(Path("v.mp3"), _ffprobe(audio_only))

    assert error.value.reason == "is not a readable video: it has no video stream, only audio (read as mp3)"


def test_ffprobe_of_a_file_it_cannot_open_gives_its_message_without_the_path() -> None:
    stderr = "/srv/media/videos/t.json: Invalid data found when processing input\n"

    with pytest.raises(ProbeError) as error:
        parse_ffprobe_json(Path("/srv/media/videos/t.json"), FfmpegResult(1, stderr, b"{}"))

    assert error.value.reason == "is not a readable video: Invalid data found when processing input"


def test_ffprobe_of_a_missing_file_says_it_does_not_exist() -> None:
    result = FfmpegResult(1, "gone.mp4: No such file or directory\n", b"{}")

    with pytest.raises(ProbeError, match=r"gone\.mp4 does not exist"):
        parse_ffprobe_json(Path("gone.mp4"), result)


def test_ffprobe_output_that_is_not_json_is_refused() -> None:
    with pytest.raises(ProbeError, match="not a readable video"):
        parse_ffprobe_json(Path("v.mp4"), FfmpegResult(1, "v.mp4: Invalid data found\n", b"garbage"))
