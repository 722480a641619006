"""A batch's thumbnails: one per clip at its midpoint, made concurrently within a bound.

With a `StillMaker` (the service's default) every missing thumbnail of the batch is decoded in this
process, `concurrency` threads over one open video each; a clip whose video the in-process decoder
cannot read falls back to one ffmpeg process for its frame. Without one, each clip is one ffmpeg run,
`concurrency` at a time (the benchmark's baseline). A clip whose frame cannot be made gets an outcome
with the reason instead of a path; the others go on. Only the caller decides whether "every clip
failed" fails the batch.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from viralclip_contracts import AspectRatio, Clip
from viralclip_media import FfmpegError, FfmpegRunner, StillMaker, StillsUnavailable

from .frames import (
    FrameRequest,
    existing_thumbnail,
    extract_frame,
    still_request,
    thumbnail_size,
    write_still,
)
from .paths import thumbnail_relative_path


def default_concurrency() -> int:
    """One decoder per core: each frame extraction is CPU-bound decoding."""
    return max(1, os.cpu_count() or 1)


def clip_midpoint(clip: Clip) -> float:
    """The moment whose frame represents the clip: halfway between its start and end."""
    return (clip.start_time_sec + clip.end_time_sec) / 2


@dataclass(frozen=True)
class ThumbnailOutcome:
    """What happened for one clip: a path relative to the media root, or the reason there is none."""

    clip_id: str
    thumbnail_path: str | None = None
    error: str | None = None
    made: bool = False


@dataclass(frozen=True)
class PlannedThumbnail:
    """A clip's thumbnail to make (`request`), or why it cannot be made (`error`)."""

    clip_id: str
    thumbnail_path: str
    request: FrameRequest | None
    error: str | None = None


def plan_thumbnails(
    media_root: Path,
    source: Path,
    clips: Sequence[Clip],
    aspect: AspectRatio,
    long_side: int,
    video_duration_sec: float | None = None,
) -> list[PlannedThumbnail]:
    """For each clip: its thumbnail's path and frame request, or an error if the moment is off the video."""
    size = thumbnail_size(aspect, long_side)
    plans: list[PlannedThumbnail] = []
    for clip in clips:
        relative = thumbnail_relative_path(clip.clip_batch_id, clip.clip_id)
        moment = clip_midpoint(clip)
        if video_duration_sec is not None and moment >= video_duration_sec:
            error = f"clip midpoint {moment:.2f} s is past the end of the video ({video_duration_sec:.2f} s)"
            plans.append(PlannedThumbnail(clip.clip_id, relative, None, error))
            continue
        request = FrameRequest(source, moment, aspect, size, media_root / relative)
        plans.append(PlannedThumbnail(clip.clip_id, relative, request))
    return plans


async def make_thumbnails(
    runner: FfmpegRunner,
    plans: Sequence[PlannedThumbnail],
    *,
    concurrency: int,
    timeout_sec: float,
    stills: StillMaker | None = None,
) -> list[ThumbnailOutcome]:
    """Make every planned thumbnail that does not exist yet (see the module docstring); outcomes in
    order. `timeout_sec` is the deadline of each frame."""
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    limit = asyncio.Semaphore(concurrency)
    decoded = await _decode_in_process(stills, plans, concurrency, timeout_sec)

    async def make(plan: PlannedThumbnail) -> ThumbnailOutcome:
        if plan.request is None:
            return ThumbnailOutcome(plan.clip_id, error=plan.error)
        outcome = decoded.get(plan.clip_id)
        if outcome is not None:
            return outcome
        async with limit:
            try:
                made = await extract_frame(runner, plan.request, timeout_sec=timeout_sec)
            except (FfmpegError, OSError) as error:
                return ThumbnailOutcome(plan.clip_id, error=str(error) or type(error).__name__)
        return ThumbnailOutcome(plan.clip_id, plan.thumbnail_path, made=made)

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(make(plan)) for plan in plans]
    return [task.result() for task in tasks]


async def _decode_in_process(
    stills: StillMaker | None, plans: Sequence[PlannedThumbnail], workers: int, timeout_sec: float
) -> dict[str, ThumbnailOutcome]:
    """Outcomes of the thumbnails decoded in-process, by clip id; the rest (existing thumbnails, a
    video the decoder cannot read) are left to `extract_frame`."""
    if stills is None:
        return {}
    by_source: dict[Path, list[tuple[PlannedThumbnail, FrameRequest]]] = {}
    for plan in plans:
        if plan.request is not None and not existing_thumbnail(plan.request):
            by_source.setdefault(plan.request.source, []).append((plan, plan.request))
    outcomes: dict[str, ThumbnailOutcome] = {}
    for source, planned in by_source.items():
        results = await stills.stills(
            source,
            [still_request(request) for _, request in planned],
            timeout_sec=timeout_sec,
            workers=workers,
        )
        for (plan, request), result in zip(planned, results, strict=True):
            if isinstance(result, StillsUnavailable):
                continue
            outcomes[plan.clip_id] = _written(plan, request, result)
    return outcomes


def _written(plan: PlannedThumbnail, request: FrameRequest, result: bytes | FfmpegError) -> ThumbnailOutcome:
    if isinstance(result, FfmpegError):
        return ThumbnailOutcome(plan.clip_id, error=str(result))
    try:
        write_still(request, result)
    except (FfmpegError, OSError) as error:
        return ThumbnailOutcome(plan.clip_id, error=str(error) or type(error).__name__)
    return ThumbnailOutcome(plan.clip_id, plan.thumbnail_path, made=True)


def with_thumbnails(clips: Sequence[Clip], outcomes: Sequence[ThumbnailOutcome]) -> list[Clip]:
    """The clips as they are now: each with its thumbnail path, or the error that left it without."""
    by_clip = {outcome.clip_id: outcome for outcome in outcomes}
    return [
        clip.model_copy(
            update={
                "thumbnail_path": by_clip[clip.clip_id].thumbnail_path,
                "thumbnail_error": by_clip[clip.clip_id].error,
            }
        )
        for clip in clips
    ]
