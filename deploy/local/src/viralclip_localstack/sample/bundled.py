"""The bundled sample: NASA's "Houston We Have a Podcast" Ep. 114 (public domain; see ATTRIBUTION.md)."""

from importlib import resources

from viralclip_contracts import Video

from .timing import TimingOptions, build_video
from .turns import Turn, parse_turns

SAMPLE_VIDEO_ID = "v-hwhap-114"
SAMPLE_STEM = "hwhap-114"
SAMPLE_TITLE = "Houston We Have a Podcast, Ep. 114: The Value of the Moon"
SAMPLE_SUMMARY = (
    "NASA Johnson Space Center's podcast: host Pat Ryan talks with planetary scientist Dr. Samuel "
    "Lawrence about why NASA's Artemis program is going back to the Moon to stay — what the Moon's "
    "rocks tell us about the solar system, water ice and other resources at the lunar poles, and how "
    "learning to live and work on the Moon prepares astronauts for Mars."
)
_TRANSCRIPT_FILE = "hwhap-114-value-of-the-moon.txt"


def sample_turns() -> list[Turn]:
    """The bundled transcript's speaker turns (host `Pat Ryan`, guest `Samuel Lawrence`)."""
    text = (
        resources.files("viralclip_localstack.sample").joinpath(_TRANSCRIPT_FILE).read_text(encoding="utf-8")
    )
    return parse_turns(text)


def sample_video(
    max_duration_sec: float | None = None,
    *,
    video_id: str = SAMPLE_VIDEO_ID,
    media_path: str = f"videos/{SAMPLE_STEM}.mp4",
    options: TimingOptions | None = None,
) -> Video:
    """The bundled podcast as a timed `Video`, optionally only its first `max_duration_sec` seconds."""
    return build_video(
        sample_turns(),
        video_id=video_id,
        title=SAMPLE_TITLE,
        media_path=media_path,
        summary=SAMPLE_SUMMARY,
        max_duration_sec=max_duration_sec,
        options=options,
    )
