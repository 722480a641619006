"""What the sample video shows, as ffmpeg inputs: pure, no ffmpeg here.

Every scene fills the frame with its speaker's colour (`build_shot_commands`, for ffmpeg's `sendcmd` and
`drawbox`, which need no font), and an ASS script (`build_ass`, rendered by libass) adds the speaker's
name, an avatar disc, the show's title and a progress bar. libass draws nothing without a font, so with no
font installed the video still tells the speakers apart by colour. The picture carries no subtitles, as a
podcast camera's recording does not: captions are what the render service burns into an exported clip,
and a second, burned-in layer would sit on top of them.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from viralclip_contracts import Video

WIDTH, HEIGHT = 1280, 720
RGB = tuple[int, int, int]

SPEAKER_PALETTE: tuple[RGB, ...] = (
    (31, 78, 121),
    (139, 46, 64),
    (46, 111, 64),
    (107, 63, 160),
    (176, 98, 0),
    (0, 118, 130),
)
FONT_NAME = "DejaVu Sans"
# A spot no text, disc or caption ever covers: tests read the speaker's colour here.
BACKGROUND_PROBE_XY = (120, 360)
_DISC_RADIUS = 130
_BAR_HEIGHT = 8


@dataclass(frozen=True)
class SceneLook:
    """How one scene looks: whose shot it is, and with which background colour."""

    scene_id: str
    start_sec: float
    end_sec: float
    speaker: str
    colour: RGB
    shot: int  # 0 = the cut to this speaker; 1, 2, … = further cuts while the same speaker talks


def speaker_colours(video: Video) -> dict[str, RGB]:
    """A distinct colour per speaker, in order of first appearance (the palette repeats after six)."""
    speakers = dict.fromkeys(s.speaker or "Speaker" for s in video.transcript)
    return {name: SPEAKER_PALETTE[i % len(SPEAKER_PALETTE)] for i, name in enumerate(speakers)}


def scene_looks(video: Video) -> list[SceneLook]:
    """Each scene's speaker (who starts talking in it) and colour; later shots of a turn are lighter."""
    colours = speaker_colours(video)
    first_speaker = next((s.speaker or "Speaker" for s in video.transcript), "Speaker")
    looks: list[SceneLook] = []
    for scene in video.scenes:
        starting = (
            s.speaker or "Speaker" for s in video.transcript if scene.start_sec <= s.start_sec < scene.end_sec
        )
        previous = looks[-1] if looks else None
        speaker = next(starting, previous.speaker if previous else first_speaker)
        shot = previous.shot + 1 if previous and previous.speaker == speaker else 0
        base = colours.get(speaker, SPEAKER_PALETTE[0])
        colour = base if shot % 2 == 0 else _lighten(base, 0.2)
        looks.append(SceneLook(scene.scene_id, scene.start_sec, scene.end_sec, speaker, colour, shot))
    return looks


def build_ass(video: Video) -> str:
    """The whole picture of `video` as an ASS script sized 1280x720."""
    events = [_progress_bar(video.duration_sec)]
    for look in scene_looks(video):
        events.extend(_scene_events(look, video.title))
    return _HEADER + "\n".join(events) + "\n"


def build_shot_commands(video: Video, target: str = "drawbox@shot") -> str:
    """`sendcmd` commands that set `target`'s colour to each scene's background as the scene starts."""
    return "".join(
        f"{look.start_sec:.3f} [enter] {target} color 0x{_hex(look.colour)};\n" for look in scene_looks(video)
    )


def _scene_events(look: SceneLook, title: str) -> Sequence[str]:
    # Everything sits in the centre column, as a podcast camera frames its speaker, so a 9:16 crop
    # of the frame (the clips' default) still shows the speaker, the name and the caption.
    disc_x = WIDTH // 2
    disc_colour = _lighten(look.colour, 0.35)
    return (
        _dialogue(1, look.start_sec, look.end_sec, "Shape", _disc(disc_x, 300, disc_colour)),
        _dialogue(
            2, look.start_sec, look.end_sec, "Initials", f"{{\\pos({disc_x},300)}}{_initials(look.speaker)}"
        ),
        _dialogue(2, look.start_sec, look.end_sec, "Name", _escape(look.speaker)),
        _dialogue(2, look.start_sec, look.end_sec, "Show", _escape(title)),
    )


def _progress_bar(duration_sec: float) -> str:
    milliseconds = round(duration_sec * 1000)
    grow = f"{{\\an7\\pos(0,{HEIGHT - _BAR_HEIGHT})\\c&HFFFFFF&\\p1\\fscx0\\t(0,{milliseconds},\\fscx100)}}"
    return _dialogue(4, 0.0, duration_sec, "Shape", f"{grow}{_rect(WIDTH, _BAR_HEIGHT)}{{\\p0}}")


def _rect(width: int, height: int) -> str:
    return f"m 0 0 l {width} 0 {width} {height} 0 {height}"


def _disc(cx: int, cy: int, colour: RGB) -> str:
    r, k = _DISC_RADIUS, round(_DISC_RADIUS * 0.5523)  # cubic Bézier approximation of a circle
    path = (
        f"m 0 {-r} b {k} {-r} {r} {-k} {r} 0 b {r} {k} {k} {r} 0 {r} "
        f"b {-k} {r} {-r} {k} {-r} 0 b {-r} {-k} {-k} {-r} 0 {-r}"
    )
    return f"{{\\an7\\pos({cx},{cy})\\c{_ass_colour(colour)}\\p1}}{path}{{\\p0}}"


def _initials(speaker: str) -> str:
    letters = [word[0] for word in speaker.split() if word[:1].isalpha()]
    return _escape("".join(letters[:1] + letters[-1:]).upper() or "?")


def _dialogue(layer: int, start: float, end: float, style: str, text: str) -> str:
    return f"Dialogue: {layer},{_ass_time(start)},{_ass_time(end)},{style},,0,0,0,,{text}"


def _ass_time(seconds: float) -> str:
    centiseconds = round(seconds * 100)
    hours, rest = divmod(centiseconds, 360_000)
    minutes, rest = divmod(rest, 6_000)
    return f"{hours}:{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def _ass_colour(rgb: RGB) -> str:
    red, green, blue = rgb
    return f"&H{blue:02X}{green:02X}{red:02X}&"


def _hex(rgb: RGB) -> str:
    red, green, blue = rgb
    return f"{red:02X}{green:02X}{blue:02X}"


def _lighten(rgb: RGB, amount: float) -> RGB:
    red, green, blue = (round(c + (255 - c) * amount) for c in rgb)
    return (red, green, blue)


def _escape(text: str) -> str:
    """Text drawn from the transcript's names and title cannot contain override blocks or escapes."""
    return text.replace("\\", "/").replace("{", "(").replace("}", ")")


_STYLES = "\n".join(
    f"Style: {name},{FONT_NAME},{rest}"
    for name, rest in (
        ("Shape", "20,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,0,0,0,1"),
        ("Initials", "96,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,-1,0,0,0,100,100,0,0,1,0,0,5,0,0,0,1"),
        ("Name", "48,&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,0,3,8,60,60,40,1"),
        ("Show", "20,&H00E6E6E6,&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,0,0,8,450,450,100,1"),
    )
)

_HEADER = f"""[Script Info]
ScriptType: v4.00+
PlayResX: {WIDTH}
PlayResY: {HEIGHT}
WrapStyle: 0
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, \
Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, \
Alignment, MarginL, MarginR, MarginV, Encoding
{_STYLES}

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""
