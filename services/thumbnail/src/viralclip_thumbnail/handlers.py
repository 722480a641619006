"""clips.scored → a thumbnail per clip → thumbnails.done (or batch.failed when none can be made).

The handler loads the video, makes the thumbnails (reusing those that exist, so a re-delivery runs
no ffmpeg at all), stores each clip's path or error, and publishes one event carrying the final clips.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from viralclip_contracts import BatchFailed, ClipsScored, Event, Stage, ThumbnailsDone, Video
from viralclip_media import (
    FfmpegError,
    FfmpegRunner,
    MediaPathError,
    ProbeError,
    StillMaker,
    probe_media,
    resolve_media_path,
)
from viralclip_runtime import InvalidVideoRecord, next_event

from .frames import existing_thumbnail
from .repository import ThumbnailRepository
from .thumbnails import (
    PlannedThumbnail,
    ThumbnailOutcome,
    make_thumbnails,
    plan_thumbnails,
    with_thumbnails,
)

PRODUCER = "thumbnail"
logger = logging.getLogger(__name__)

Publish = Callable[[Event], Awaitable[None]]


@dataclass(frozen=True)
class ThumbnailOptions:
    """How thumbnails are made: where media lives, their size, how many decoders (or ffmpeg runs) at once."""

    media_root: Path
    long_side: int
    concurrency: int
    timeout_sec: float


class BatchCannotContinue(Exception):
    """No thumbnail of the batch can be made; the message is for the creator."""


async def handle_clips_scored(
    event: ClipsScored,
    *,
    repository: ThumbnailRepository,
    runner: FfmpegRunner,
    publish: Publish,
    options: ThumbnailOptions,
    stills: StillMaker | None = None,
) -> None:
    """Make, store and announce the batch's thumbnails; publish batch.failed if none can be made.

    `stills` decodes the frames in-process; without it (or for a video it cannot read) each frame is
    one ffmpeg run of `runner`, which also probes the video."""
    if await repository.is_stale(event):
        logger.info("stale job ignored")
        return
    try:
        outcomes = await _thumbnails(event, repository, runner, options, stills)
    except BatchCannotContinue as error:
        await publish(batch_failed(event, str(error)))
        return
    if not await repository.record_thumbnails(event, outcomes):
        logger.info("stale job ignored (superseded while its thumbnails were made)")
        return
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    logger.info(
        "thumbnails made",
        extra={
            "clips": len(outcomes),
            "failed": len(failed),
            "frames_made": sum(outcome.made for outcome in outcomes),
        },
    )
    if outcomes and len(failed) == len(outcomes):
        await publish(batch_failed(event, _every_clip_failed(event, failed)))
        return
    await publish(
        next_event(
            event,
            ThumbnailsDone,
            producer=PRODUCER,
            clips=tuple(with_thumbnails(event.clips, outcomes)),
            thumbnails_failed=len(failed),
        )
    )


def batch_failed(event: ClipsScored, message: str) -> BatchFailed:
    """The batch.failed event for this job (the same id on every re-delivery)."""
    return next_event(event, BatchFailed, producer=PRODUCER, stage=Stage.THUMBNAILS, error_message=message)


async def _thumbnails(
    event: ClipsScored,
    repository: ThumbnailRepository,
    runner: FfmpegRunner,
    options: ThumbnailOptions,
    stills: StillMaker | None,
) -> list[ThumbnailOutcome]:
    if not event.clips:
        return []
    video, source = await _video_source(event, repository, options.media_root)
    aspect = event.config.aspect_ratio
    try:
        plans = plan_thumbnails(options.media_root, source, event.clips, aspect, options.long_side)
    except MediaPathError as error:
        raise BatchCannotContinue(f"Thumbnails failed for batch {event.batch_id}: {error}.") from None
    if not _all_exist(plans):
        duration = await _probe(video, runner, source, options.timeout_sec)
        plans = plan_thumbnails(options.media_root, source, event.clips, aspect, options.long_side, duration)
    return await make_thumbnails(
        runner, plans, concurrency=options.concurrency, timeout_sec=options.timeout_sec, stills=stills
    )


async def _video_source(
    event: ClipsScored, repository: ThumbnailRepository, media_root: Path
) -> tuple[Video, Path]:
    try:
        video = await repository.load_video(event.video_id)
    except InvalidVideoRecord as error:
        raise BatchCannotContinue(f"Thumbnails failed: {error}") from None
    if video is None:
        raise BatchCannotContinue(
            f"Thumbnails failed: video {event.video_id} is not registered. "
            "Register the video again, then retry the batch."
        )
    try:
        return video, resolve_media_path(media_root, video.media_path).absolute
    except MediaPathError as error:
        raise BatchCannotContinue(f"Thumbnails failed for video {event.video_id}: {error}.") from None


async def _probe(video: Video, runner: FfmpegRunner, source: Path, timeout: float) -> float:
    where = f"the video file {video.media_path} of video {video.video_id}"
    try:
        info = await probe_media(runner, source, timeout_sec=timeout)
    except ProbeError as error:
        raise BatchCannotContinue(
            f"Thumbnails failed: {where} {error.reason}. "
            "Upload the video again or fix its media path, then retry the batch."
        ) from None
    except FfmpegError as error:
        raise BatchCannotContinue(f"Thumbnails failed: reading {where}: {error}.") from None
    except OSError as error:
        raise BatchCannotContinue(f"Thumbnails failed: ffmpeg could not be started: {error}.") from None
    return info.duration_sec


def _all_exist(plans: Sequence[PlannedThumbnail]) -> bool:
    return all(plan.request is not None and existing_thumbnail(plan.request) for plan in plans)


def _every_clip_failed(event: ClipsScored, failed: Sequence[ThumbnailOutcome]) -> str:
    return (
        f"Thumbnails failed for all {len(failed)} clips of batch {event.batch_id}; "
        f"the first error: {failed[0].error}. Check that the video file plays, then retry the batch."
    )
