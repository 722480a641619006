"""Probing a media file: duration, frame size, frame rate, video codec and whether it has sound.

With an ffprobe runner the answer comes from its JSON report; without one (the imageio-ffmpeg wheel
ships no ffprobe) from the banner `ffmpeg -i FILE` prints. Both parsers are pure and return the same
`MediaInfo`, or raise `ProbeError` saying why the file is not usable: the stream it lacks, or the
message ffmpeg gave for it, never a line that only follows from the probe itself (`ffmpeg -i FILE`
always ends with "At least one output file must be specified") and never the file's path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .runner import FfmpegError, FfmpegResult, FfmpegRunner, last_message

_DURATION = re.compile(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_VIDEO_STREAM = re.compile(r"Stream #\S+.*?: Video: (\w+)(.*)$", re.M)
_FRAME_SIZE = re.compile(r", (\d{1,5})x(\d{1,5})(?=[ ,]|$)")
_SAMPLE_ASPECT = re.compile(r"\[SAR (\d+):(\d+) DAR \d+:\d+\]")
_FRAME_RATE = re.compile(r", (\d+(?:\.\d+)?)(k?) (?:fps|tbr)\b")
_AUDIO_STREAM = re.compile(r"Stream #\S+.*?: Audio: (\w+)", re.M)
_INPUT_FORMAT = re.compile(r"^Input #\d+, (.+?), from ", re.M)
_STREAM_KIND = re.compile(r"^\s*Stream #\S+.*?: (\w+):", re.M)
_ROTATION = re.compile(r"display ?matrix: rotation of (-?\d+(?:\.\d+)?) degrees", re.I)
"""ffmpeg 9 prints "Display Matrix: rotation of -90.00 degrees", ffmpeg 7 and older "displaymatrix: …"."""
_NEXT_STREAM = re.compile(r"^\s*Stream #", re.M)

_CONSEQUENCES = (
    "At least one output file must be specified",  # `ffmpeg -i FILE` has no output: always printed
    "Error opening input file",  # restates the path after the cause
    "Consider increasing the value for the 'analyzeduration'",  # advice after "Could not find…"
)
"""Lines ffmpeg prints as a consequence of the probe or of an earlier message: never the cause."""
TEXT_AS_VIDEO_CODECS = frozenset({"ansi", "bintext", "xbin", "idf"})
"""ffmpeg's decoders that draw a text file as a "video" (a README read as the `tty` format): not a video."""
_ATTACHED_PIC = "(attached pic)"
"""How the banner marks a picture attached to the file (an audio file's cover art), not a video."""
_FORMAT_GUESS = "detected only with low score"  # a warning about the guess, not the failure
_OPENING_INPUT = re.compile(r"^Error opening input(?: files)?: ")
_MAX_REASON_CHARS = 300


class ProbeError(FfmpegError):
    """A media file is missing, unreadable or has no video stream; `reason` completes "video file …"."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"video file {path} {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class MediaInfo:
    """What a probe tells about a video file.

    `width`/`height` are display pixels: non-square pixels stretched, and turned upright when the file
    says to rotate its frames for display (a phone's portrait video is often stored landscape, turned
    by a display matrix) — the size ffmpeg's filters see, since ffmpeg turns the frames as it decodes.
    `pixel_width`/`pixel_height` are the stored frame, the size a raw decode produces. `rotation` is
    how far the stored frame is turned counter-clockwise for display: 0, 90, 180 or 270 degrees.
    `frame_rate` is None when the file does not say.
    """

    duration_sec: float
    width: int
    height: int
    pixel_width: int
    pixel_height: int
    frame_rate: float | None
    video_codec: str
    has_audio: bool
    audio_codec: str | None = None  # the first audio stream's codec, e.g. "aac"
    rotation: int = 0


async def probe_media(
    runner: FfmpegRunner, path: Path, *, timeout_sec: float, ffprobe: FfmpegRunner | None = None
) -> MediaInfo:
    """Probe `path` with `ffprobe` when given, else with `ffmpeg -i` through `runner`.

    ProbeError when the file is not a usable video; FfmpegError when the tool itself fails.
    """
    if ffprobe is not None:
        args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)]
        result = await ffprobe.run(args, timeout_sec=timeout_sec, capture_stdout=True)
        return parse_ffprobe_json(path, result)
    result = await runner.run(["-hide_banner", "-nostdin", "-i", str(path)], timeout_sec=timeout_sec)
    return parse_ffmpeg_banner(path, result.stderr)


def parse_ffmpeg_banner(path: Path, stderr: str) -> MediaInfo:
    """Read a MediaInfo from the banner `ffmpeg -i` prints on standard error."""
    _refuse_unreadable(path, stderr)
    duration = _DURATION.search(stderr)
    video = next(  # cover art of an audio file is a one-frame "video" stream: not the video
        (match for match in _VIDEO_STREAM.finditer(stderr) if _ATTACHED_PIC not in match.group(2)), None
    )
    size = _FRAME_SIZE.search(video.group(2)) if video is not None else None
    if duration is None or video is None or size is None or video.group(1) in TEXT_AS_VIDEO_CODECS:
        opened = _INPUT_FORMAT.search(stderr)
        raise _unreadable(
            path,
            stderr,
            input_format=opened.group(1) if opened is not None else None,
            stream_kinds=_banner_stream_kinds(stderr),
            video_codec=video.group(1) if video is not None else None,
            has_size=size is not None,
        )
    hours, minutes, seconds = duration.groups()
    details = video.group(2)
    sar = _SAMPLE_ASPECT.search(details)
    following = _NEXT_STREAM.search(stderr, video.end())
    rotation = _ROTATION.search(stderr, video.end(), following.start() if following else len(stderr))
    return _media_info(
        duration_sec=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        pixel_size=(int(size.group(1)), int(size.group(2))),
        sample_aspect=(int(sar.group(1)), int(sar.group(2))) if sar is not None else None,
        frame_rate=_banner_rate(details),
        video_codec=video.group(1),
        audio_codec=audio.group(1) if (audio := _AUDIO_STREAM.search(stderr)) is not None else None,
        rotation=float(rotation.group(1)) if rotation is not None else 0.0,
    )


def _banner_stream_kinds(stderr: str) -> list[str]:
    """The kind of each stream the banner lists (`video`, `audio`, `subtitle`, …; `cover art` for an
    attached picture)."""
    return [
        "cover art" if _ATTACHED_PIC in line else match.group(1).lower()
        for line in stderr.splitlines()
        if (match := _STREAM_KIND.match(line)) is not None
    ]


def parse_ffprobe_json(path: Path, result: FfmpegResult) -> MediaInfo:
    """Read a MediaInfo from `ffprobe -print_format json -show_format -show_streams` output."""
    _refuse_unreadable(path, result.stderr)
    try:
        report = json.loads(result.stdout or b"{}")
    except ValueError:
        messages = _ffmpeg_messages(path, result.stderr)
        raise ProbeError(
            path, _unreadable_reason("; ".join(messages[:2]) or "ffprobe printed no report")
        ) from None
    streams: list[dict[str, Any]] = report.get("streams") or []
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    duration = _number((report.get("format") or {}).get("duration"))
    if video is not None and duration is None:
        duration = _number(video.get("duration"))
    if (
        video is None
        or duration is None
        or not video.get("width")
        or not video.get("height")
        or video.get("codec_name") in TEXT_AS_VIDEO_CODECS
    ):
        raise _unreadable(
            path,
            result.stderr,
            input_format=(report.get("format") or {}).get("format_name"),
            stream_kinds=[
                "cover art"
                if (s.get("disposition") or {}).get("attached_pic")
                else str(s.get("codec_type") or "unknown")
                for s in streams
            ],
            video_codec=str(video.get("codec_name") or "unknown") if video is not None else None,
            has_size=video is not None and bool(video.get("width")) and bool(video.get("height")),
        )
    return _media_info(
        duration_sec=duration,
        pixel_size=(int(video["width"]), int(video["height"])),
        sample_aspect=_ratio(video.get("sample_aspect_ratio")),
        frame_rate=_rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")),
        video_codec=str(video.get("codec_name") or "unknown"),
        audio_codec=next(
            (str(s.get("codec_name") or "unknown") for s in streams if s.get("codec_type") == "audio"), None
        ),
        rotation=_ffprobe_rotation(video),
    )


def _ffprobe_rotation(video: dict[str, Any]) -> float:
    """Counter-clockwise display rotation of an ffprobe stream: its display matrix side data, else the
    older `rotate` tag (clockwise degrees)."""
    for side_data in video.get("side_data_list") or []:
        if isinstance(side_data, dict) and (rotation := _number(side_data.get("rotation"))) is not None:
            return rotation
    rotate = _number((video.get("tags") or {}).get("rotate"))
    return -rotate if rotate is not None else 0.0


def _refuse_unreadable(path: Path, stderr: str) -> None:
    if "No such file or directory" in stderr:
        raise ProbeError(path, "does not exist")
    if "Permission denied" in stderr:
        raise ProbeError(path, "is not readable (permission denied)")


def _unreadable(
    path: Path,
    stderr: str,
    *,
    input_format: str | None,
    stream_kinds: list[str],
    video_codec: str | None,
    has_size: bool,
) -> ProbeError:
    """Why a probed file is no usable video: what its streams lack, else the messages ffmpeg gave."""
    messages = _ffmpeg_messages(path, stderr)
    read_as = f" (read as {input_format})" if input_format else ""
    if video_codec is None:
        kinds = list(dict.fromkeys(stream_kinds))
        if kinds:
            cause = f"it has no video stream, only {', '.join(kinds)}{read_as}"
        elif messages:
            cause = "; ".join(messages[:2])
        else:
            cause = f"it has no streams{read_as}" if input_format else "ffmpeg could not open it"
    elif video_codec in TEXT_AS_VIDEO_CODECS:
        cause = f"it is text, not a video{read_as}"
    elif not has_size:  # ffmpeg's messages here are the decoder's noise about the stream's units
        cause = f"its {video_codec} video stream has no frame size{read_as}"
    else:
        cause = f"ffmpeg found no duration in it{read_as}"
    return ProbeError(path, _unreadable_reason(cause))


def _unreadable_reason(cause: str) -> str:
    if len(cause) > _MAX_REASON_CHARS:
        cause = cause[: _MAX_REASON_CHARS - 1] + "…"
    return f"is not a readable video: {cause}"


def _ffmpeg_messages(path: Path, stderr: str) -> list[str]:
    """ffmpeg's distinct error and warning lines, in order, without their log prefix, the file's
    path, the lines that only follow from probing, or the banner (its indented stream lines)."""
    messages: list[str] = []
    for line in stderr.splitlines():
        if not line.strip() or line[:1].isspace() or line.startswith("Input #"):
            continue
        message = last_message(line)
        message = message.removeprefix(f"{path}: ").replace(str(path), path.name)
        message = _OPENING_INPUT.sub("", message).rstrip(".")
        if message.startswith(_CONSEQUENCES) or _FORMAT_GUESS in message or message in messages:
            continue
        messages.append(message)
    return messages


def _media_info(
    *,
    duration_sec: float,
    pixel_size: tuple[int, int],
    sample_aspect: tuple[int, int] | None,
    frame_rate: float | None,
    video_codec: str,
    audio_codec: str | None,
    rotation: float,
) -> MediaInfo:
    width, height = pixel_size
    display_width = width
    if sample_aspect is not None and sample_aspect[0] > 0 and sample_aspect[1] > 0:
        display_width = round(width * sample_aspect[0] / sample_aspect[1])
    quarter_turns = round(rotation / 90) % 4
    display_size = (height, display_width) if quarter_turns % 2 else (display_width, height)
    return MediaInfo(
        duration_sec=duration_sec,
        width=display_size[0],
        height=display_size[1],
        pixel_width=width,
        pixel_height=height,
        frame_rate=frame_rate,
        video_codec=video_codec,
        has_audio=audio_codec is not None,
        audio_codec=audio_codec,
        rotation=90 * quarter_turns,
    )


def _banner_rate(details: str) -> float | None:
    match = _FRAME_RATE.search(details)
    if match is None:
        return None
    return float(match.group(1)) * (1000 if match.group(2) else 1)


def _ratio(text: object) -> tuple[int, int] | None:
    if not isinstance(text, str) or ":" not in text:
        return None
    left, _, right = text.partition(":")
    return (int(left), int(right)) if left.isdigit() and right.isdigit() else None


def _rate(text: object) -> float | None:
    if not isinstance(text, str) or "/" not in text:
        return None
    numerator, _, denominator = text.partition("/")
    top, bottom = _number(numerator), _number(denominator)
    return top / bottom if top and bottom else None


def _number(value: object) -> float | None:
    if not isinstance(value, str | int | float):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number else None  # NaN is no number
