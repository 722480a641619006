"""windows.ready → scored, stored clips → clips.scored (or batch.failed when nothing could be scored).

The handler loads the video's title and summary, lets the batch scorer make (or reuse) the LLM calls,
stores the ranked clips and publishes one event. Failures of single windows ride along on clips.scored;
an LLM error never escapes as an exception, so the worker keeps serving.
"""

import logging
from collections.abc import Awaitable, Callable

from viralclip_contracts import BatchFailed, ClipsScored, Event, Stage, WindowsReady
from viralclip_runtime import next_event

from .batch_scoring import BatchScorer
from .repository import ScoringRepository

PRODUCER = "scoring"
logger = logging.getLogger(__name__)

Publish = Callable[[Event], Awaitable[None]]


async def handle_windows_ready(
    event: WindowsReady,
    *,
    repository: ScoringRepository,
    scorer: BatchScorer,
    publish: Publish,
) -> None:
    """Score the batch's windows, store the clips, publish clips.scored or batch.failed."""
    if await repository.is_stale(event):
        logger.info("stale job ignored")
        return
    video, duration_sec = await repository.load_video(event.video_id)
    outcome = await scorer.score(event, video, duration_sec)
    if outcome.failure is not None:
        logger.warning("scoring failed", extra={"error": outcome.failure})
        await publish(batch_failed(event, outcome.failure))
        return
    if not await repository.save_clips(event.batch_id, event.job_id, outcome.clips):
        logger.info("stale job ignored (superseded while it was scored)")
        return
    logger.info(
        "clips scored",
        extra={"clips": len(outcome.clips), "windows_failed": outcome.windows_failed},
    )
    await publish(
        next_event(
            event,
            ClipsScored,
            producer=PRODUCER,
            config=event.config,
            clips=outcome.clips,
            windows_total=outcome.windows_total,
            windows_failed=outcome.windows_failed,
            window_errors=outcome.window_errors,
            scored_by=f"{scorer.provider.name}:{scorer.provider.model}",
        )
    )


def batch_failed(event: Event, message: str) -> BatchFailed:
    """The batch.failed event of this job (the same id on every re-delivery)."""
    return next_event(event, BatchFailed, producer=PRODUCER, stage=Stage.SCORING, error_message=message)
