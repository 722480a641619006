"""The windowing core: a video and a batch configuration in, sorted candidate windows out.

Pure and deterministic: the same video and configuration give the same windows (ids `w0000`…,
sorted by start then end), whatever the order of the input segments and scenes. Linear in the
size of the transcript and the scene list (plus the sort of each).
"""

from dataclasses import dataclass
from enum import StrEnum

from viralclip_contracts import ClipBatchConfig, Video, Window

from .coverage import covered_share
from .errors import NothingToWindow
from .layout import lay_out
from .rules import DEFAULT_RULES, WindowingRules, overlap_stride, preset_range
from .scenes import SceneTrack, build_scene_track
from .sentences import Sentences, group_sentences
from .timeframe import Span, format_clock, resolve_timeframe
from .transcript import Transcript, clip_transcript

WINDOW_JSON_OVERHEAD_BYTES = 160
SCENE_ID_JSON_OVERHEAD_BYTES = 4


class Overlap(StrEnum):
    """How much the windows overlap; long timeframes step down this list to stay within the cap."""

    FULL = "full"
    """A window starts about every stride (min(minimum, maximum − minimum)) seconds."""
    REDUCED = "reduced"
    """A window starts about every two strides."""
    NONE = "none"
    """Windows follow each other end to start."""
    SAMPLED = "sampled"
    """Even end-to-start windows exceed the cap: an evenly spread subset of them is kept."""


@dataclass(frozen=True, slots=True)
class WindowPlan:
    """The windows of a batch and how they were chosen."""

    span: Span
    """The timeframe the windows cover, its edges moved inward to whole sentences where it cut one."""
    windows: tuple[Window, ...]
    overlap: Overlap
    speech_coverage: float
    """Share (0–1) of the speech inside the timeframe that the windows hold; 1.0 without speech."""
    derived_scenes: int
    """Scenes derived from the transcript (the video had none there)."""
    measured_words: bool = False
    """The excerpts carry the recogniser's words; False without any, or when the cap left them out."""


def plan_windows(video: Video, config: ClipBatchConfig, rules: WindowingRules = DEFAULT_RULES) -> WindowPlan:
    """Cut `video` into candidate windows for `config` (see the README for the rules).

    Raises `TimeframeOutsideVideo` or `NothingToWindow` (both `WindowingError`) with a message
    for the creator.
    """
    span = resolve_timeframe(video.duration_sec, config.processing_timeframe)
    transcript = clip_transcript(video.transcript, span)
    if not transcript.segments and not _has_scene_in(video, span):
        raise NothingToWindow(_nothing_message(video, span))
    # The sentences cut by the timeframe's edges reach outside it: look a little further for their words.
    context = 2 * rules.max_sentence_sec
    nearby = Span(max(0.0, span.start - context), span.end + context)
    sentences = group_sentences(clip_transcript(video.transcript, nearby, sized=False), rules)
    inner = Span(*sentences.inward(span.start, span.end))
    if inner != span:  # the timeframe cuts a sentence: start and end on whole ones instead
        span, transcript = inner, clip_transcript(video.transcript, inner)
    track = build_scene_track(video.scenes, span, sentences, rules)
    minimum, maximum = preset_range(config.clip_length_preset)
    laid, overlap, transcript = _within_cap(span, track, sentences, transcript, (minimum, maximum), rules)
    windows = tuple(
        Window(
            window_id=f"w{index:04d}",
            start_sec=start,
            end_sec=end,
            scene_ids=track.ids_between(start, end),
            transcript=transcript.excerpt(start, end),
        )
        for index, (start, end) in enumerate(laid)
    )
    return WindowPlan(
        span=span,
        windows=windows,
        overlap=overlap,
        speech_coverage=covered_share(laid, transcript.speech_intervals()),
        derived_scenes=track.derived_count,
        measured_words=transcript.measured_words and transcript.has_measured_words(),
    )


def _within_cap(
    span: Span,
    track: SceneTrack,
    sentences: Sentences,
    transcript: Transcript,
    bounds: tuple[float, float],
    rules: WindowingRules,
) -> tuple[list[tuple[float, float]], Overlap, Transcript]:
    """The layout that fits the cap: overlap steps down first; then the recogniser's words are left out
    of the excerpts (the scorer estimates them), overlap stepping down again; last, windows are sampled."""
    minimum, maximum = bounds
    stride = overlap_stride(minimum, maximum)
    transcripts = [transcript]
    if transcript.has_measured_words():
        transcripts.append(clip_transcript(transcript.segments, span, measured_words=False))
    laid: list[tuple[float, float]] = []
    sizes: list[int] = []
    for candidate in transcripts:
        for overlap, step in ((Overlap.FULL, stride), (Overlap.REDUCED, 2 * stride), (Overlap.NONE, None)):
            laid = lay_out(span, track.cuts, sentences, minimum, maximum, step)
            sizes = [_estimated_bytes(window, track, candidate) for window in laid]
            if len(laid) <= rules.max_windows and sum(sizes) <= rules.max_payload_bytes:
                return laid, overlap, candidate
    return _sampled(laid, sizes, rules), Overlap.SAMPLED, transcripts[-1]


def _estimated_bytes(window: tuple[float, float], track: SceneTrack, transcript: Transcript) -> int:
    start, end = window
    scene_bytes = sum(
        len(scene_id) + SCENE_ID_JSON_OVERHEAD_BYTES for scene_id in track.ids_between(start, end)
    )
    return WINDOW_JSON_OVERHEAD_BYTES + scene_bytes + transcript.estimated_bytes(start, end)


def _sampled(
    laid: list[tuple[float, float]], sizes: list[int], rules: WindowingRules
) -> list[tuple[float, float]]:
    """An evenly spread subset of `laid` within both the window and the payload cap."""
    count = min(len(laid), rules.max_windows)
    while True:
        picked = _evenly_spread(len(laid), count)
        total = sum(sizes[i] for i in picked)
        if total <= rules.max_payload_bytes or count == 1:
            return [laid[i] for i in picked]
        count = max(1, min(count - 1, int(count * rules.max_payload_bytes / total)))


def _evenly_spread(total: int, count: int) -> list[int]:
    if count <= 1:
        return [0]
    return sorted({round(k * (total - 1) / (count - 1)) for k in range(count)})


def _has_scene_in(video: Video, span: Span) -> bool:
    return any(
        s.end_sec > s.start_sec and s.end_sec > span.start and s.start_sec < span.end for s in video.scenes
    )


def _nothing_message(video: Video, span: Span) -> str:
    if not video.transcript and not video.scenes:
        return (
            f"The video “{video.title}” has no transcript and no scene segments, so there is "
            "nothing to cut into clips. Add a transcript or scene segments to the video and try again."
        )
    return (
        f"The processing timeframe {format_clock(span.start)}–{format_clock(span.end)} of "
        f"“{video.title}” contains no speech and no scenes. Choose a timeframe that covers part "
        "of the transcript or the scenes."
    )
