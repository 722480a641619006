"""batch.created → load the video → cut windows → store them → one windows.ready (or batch.failed).

A missing or malformed video, a video with nothing to cut, or a timeframe that leaves nothing ends
the batch with a `batch.failed` the creator can act on; events of a superseded job are ignored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from viralclip_contracts import BatchCreated, BatchFailed, Event, Stage, WindowsReady
from viralclip_runtime import InvalidVideoRecord, next_event

from .errors import WindowingError
from .repository import WindowRepository
from .rules import WindowingRules
from .windows import Overlap, WindowPlan, plan_windows

PRODUCER = "windowing"
logger = logging.getLogger(__name__)

Publish = Callable[[Event], Awaitable[None]]


async def handle_batch_created(
    event: BatchCreated, *, repository: WindowRepository, publish: Publish, rules: WindowingRules
) -> None:
    """Cut the batch's video into windows, store them and publish windows.ready (idempotent)."""
    if await repository.is_stale(event):
        logger.info("stale job ignored")
        return
    try:
        video = await repository.load_video(event.video_id)
    except InvalidVideoRecord as error:
        await publish(batch_failed(event, str(error)))
        return
    if video is None:
        await publish(
            batch_failed(
                event,
                f"Video {event.video_id} is not registered, so there is nothing to cut into clips. "
                "Register the video again, then retry the batch.",
            )
        )
        return
    try:
        # CPU-bound (tens of ms for a 10-hour transcript): keep the event loop free meanwhile.
        plan = await asyncio.to_thread(plan_windows, video, event.config, rules)
    except WindowingError as error:
        await publish(batch_failed(event, str(error)))
        return
    _log_plan(plan)
    if not await repository.store_windows(event, plan):
        logger.info("stale job ignored (superseded while its windows were planned)")
        return
    await publish(
        next_event(
            event,
            WindowsReady,
            producer=PRODUCER,
            config=event.config,
            language=video.language,
            windows=plan.windows,
        )
    )


def batch_failed(event: BatchCreated, message: str) -> BatchFailed:
    """The batch.failed event of this job at the windowing stage (the same id on every re-delivery)."""
    return next_event(event, BatchFailed, producer=PRODUCER, stage=Stage.WINDOWING, error_message=message)


def _log_plan(plan: WindowPlan) -> None:
    details = {
        "windows": len(plan.windows),
        "overlap": plan.overlap.value,
        "speech_coverage": round(plan.speech_coverage, 3),
        "derived_scenes": plan.derived_scenes,
    }
    if plan.overlap is Overlap.SAMPLED:
        logger.warning("timeframe too long for the window cap; windows sampled", extra=details)
    else:
        logger.info("windows cut", extra=details)
