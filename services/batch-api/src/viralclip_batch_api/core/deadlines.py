"""Stage deadlines of a batch: how long each stage may take, and what to do when it took longer.

Pure: no clock, no database. A stage's deadline is derived from its work (windows × LLM call timeout ÷
calls at once; clips × ffmpeg timeout ÷ runs at once; plus slack). Past it the batch is re-driven once
(its last event republished); one more deadline without a move and it fails with a message that names
the stage and what to do. So every batch reaches ready, final or failed within twice the sum of the
deadlines of the stages it passes, plus one watch interval.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from viralclip_contracts import BATCH_PIPELINE, Stage


@dataclass(frozen=True)
class DeadlineRules:
    """The figures the deadlines are derived from (batch-api settings, defaults matching the workers')."""

    slack_sec: float = 120.0
    windowing_sec: float = 60.0
    llm_timeout_sec: float = 60.0
    llm_concurrency: int = 4
    ffmpeg_timeout_sec: float = 30.0
    ffmpeg_concurrency: int = 2


# What the creator should check when a stage stalls; a stage without a hint of its own gets
# "the <its worker> service is running" (the worker comes from the pipeline table).
_CHECK: dict[Stage, str] = {
    Stage.QUEUED: "the broker (Kafka) and the windowing service are running",
    Stage.SCORING: "the scoring service is running and the LLM answers",
}
WATCHED_STAGES = BATCH_PIPELINE.open_stages


def stage_deadline_sec(
    stage: Stage, rules: DeadlineRules, *, windows_total: int | None, clips_total: int | None
) -> float:
    """Seconds `stage` may take for this batch's amount of work."""
    if stage is Stage.SCORING:
        rounds = math.ceil(max(1, windows_total or 1) / rules.llm_concurrency)
        return rounds * rules.llm_timeout_sec + rules.slack_sec
    if stage is Stage.THUMBNAILS:
        rounds = math.ceil(max(1, clips_total or 1) / rules.ffmpeg_concurrency)
        return rounds * rules.ffmpeg_timeout_sec + rules.slack_sec
    return rules.windowing_sec + rules.slack_sec


class Action(StrEnum):
    """What the watch does with a batch now."""

    WAIT = "wait"
    REDRIVE = "redrive"
    FAIL = "fail"


@dataclass(frozen=True)
class Verdict:
    """The action, and since when the batch is stalled (None while it is within its deadline)."""

    action: Action
    stalled_since: datetime | None


def judge(
    *, stage_started_at: datetime, deadline_sec: float, redriven_at: datetime | None, now: datetime
) -> Verdict:
    """Within the deadline: wait. Past it: re-drive once. One more deadline after the re-drive: fail."""
    due = stage_started_at + timedelta(seconds=deadline_sec)
    if now < due:
        return Verdict(Action.WAIT, None)
    if redriven_at is None:
        return Verdict(Action.REDRIVE, due)
    if now < redriven_at + timedelta(seconds=deadline_sec):
        return Verdict(Action.WAIT, due)
    return Verdict(Action.FAIL, due)


def failure_message(stage: Stage, waited_sec: float) -> str:
    """What the creator reads on a batch that stalled in `stage` for `waited_sec`."""
    service = BATCH_PIPELINE.mover(stage).producer
    check = _CHECK.get(stage, f"the {service} service is running")
    return (
        f"No {service} worker moved this batch on from {stage.value} within {_duration(waited_sec)} "
        f"(it was re-driven once); check that {check}, then retry."
    )


def _duration(seconds: float) -> str:
    if seconds >= 90:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
