"""Checks of requests against their video: timeframes, transcript, scenes, clip edits."""

from collections.abc import Sequence

from viralclip_contracts import Clip, ClipBatchConfig, ClipStatus, SceneSegment, TranscriptSegment

from ..api.models import ClipUpdate
from .errors import FieldError

# Transcripts and scene lists often overrun the probed duration by a frame or a rounding step.
DURATION_SLACK_SEC = 1.0
DURATION_AGREEMENT_SHARE = 0.01
"""A given duration may differ from the probed one by 1 % (or `DURATION_SLACK_SEC`, if more)."""


def check_given_duration(given_sec: float, probed_sec: float) -> None:
    """A caller's `duration_sec` must be the video's: a transcript tool's rounding, not another video."""
    if abs(given_sec - probed_sec) > max(DURATION_SLACK_SEC, DURATION_AGREEMENT_SHARE * probed_sec):
        raise FieldError(
            "duration_sec",
            f"{given_sec:g} s, but the video file lasts {probed_sec:.2f} s; omit duration_sec "
            "(it is probed) or register the video it belongs to",
        )


# The shortest range a creator's edit may leave. The presets ask the pipeline for 15 s and more;
# an edit may go well below that (a punchline, a reaction), but not to a few frames: a one-frame
# export is never what was meant. The longest is the video itself (the range must end inside it).
MIN_EDITED_CLIP_SEC = 1.0


def check_timeframe(config: ClipBatchConfig, duration_sec: float) -> None:
    """The processing timeframe must lie inside the video."""
    frame = config.processing_timeframe
    if frame.start_sec >= duration_sec:
        raise FieldError(
            "processing_timeframe_start",
            f"{frame.start_sec:g} s is not before the end of the video ({duration_sec:g} s)",
        )
    if frame.end_sec is not None and frame.end_sec > duration_sec + DURATION_SLACK_SEC:
        raise FieldError(
            "processing_timeframe_end",
            f"{frame.end_sec:g} s is after the end of the video ({duration_sec:g} s)",
        )


def check_transcript(segments: Sequence[TranscriptSegment], duration_sec: float) -> None:
    """Every transcript segment must end inside the video."""
    for index, segment in enumerate(segments):
        if segment.end_sec > duration_sec + DURATION_SLACK_SEC:
            raise FieldError(
                f"transcript[{index}].end_sec",
                f"{segment.end_sec:g} s is after the end of the video ({duration_sec:g} s)",
            )


def check_scenes(scenes: Sequence[SceneSegment], duration_sec: float) -> None:
    """Every scene must have a positive length inside the video."""
    for index, scene in enumerate(scenes):
        if scene.end_sec <= scene.start_sec:
            raise FieldError(f"scenes[{index}].end_sec", "must be after start_sec")
        if scene.end_sec > duration_sec + DURATION_SLACK_SEC:
            raise FieldError(
                f"scenes[{index}].end_sec",
                f"{scene.end_sec:g} s is after the end of the video ({duration_sec:g} s)",
            )


def edited_clip(clip: Clip, edit: ClipUpdate, duration_sec: float) -> Clip:
    """The clip with the edit applied, status `edited`; its range must lie inside the video and,
    when the edit changes it, last at least MIN_EDITED_CLIP_SEC (or the whole video, if shorter)."""
    start = edit.start_time_sec if edit.start_time_sec is not None else clip.start_time_sec
    end = edit.end_time_sec if edit.end_time_sec is not None else clip.end_time_sec
    field = "end_time_sec" if edit.end_time_sec is not None else "start_time_sec"
    if end <= start:
        raise FieldError(field, f"the clip would end ({end:g} s) before it starts ({start:g} s)")
    if end > duration_sec:
        raise FieldError("end_time_sec", f"{end:g} s is after the end of the video ({duration_sec:g} s)")
    duration = round(end - start, 3)
    shortest = min(MIN_EDITED_CLIP_SEC, round(duration_sec, 3))
    changes_range = edit.start_time_sec is not None or edit.end_time_sec is not None
    if changes_range and duration < shortest:
        raise FieldError(
            field,
            f"the clip must last at least {shortest:g} s ({start:g} s to {end:g} s is {duration:g} s)",
        )
    changes: dict[str, object] = {
        "start_time_sec": start,
        "end_time_sec": end,
        "duration_sec": duration,
        "status": ClipStatus.EDITED,
    }
    if edit.title is not None:
        changes["title"] = edit.title
    if edit.description is not None:
        changes["description"] = edit.description
    return clip.model_copy(update=changes)


def transcript_excerpt(
    segments: Sequence[TranscriptSegment], start_sec: float, end_sec: float
) -> list[TranscriptSegment]:
    """The segments that overlap [start_sec, end_sec], in time order."""
    return [s for s in segments if s.end_sec > start_sec and s.start_sec < end_sec]
