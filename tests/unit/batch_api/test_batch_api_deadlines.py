"""Stage deadlines: derived from the work, re-drive once past them, fail one deadline later."""

from datetime import UTC, datetime, timedelta

import pytest

from viralclip_batch_api.core.deadlines import (
    Action,
    DeadlineRules,
    failure_message,
    judge,
    stage_deadline_sec,
)
from viralclip_contracts import Stage

RULES = DeadlineRules(
    slack_sec=120, windowing_sec=60, llm_timeout_sec=60, llm_concurrency=4, ffmpeg_timeout_sec=30,
    ffmpeg_concurrency=2,
)  # fmt: skip
T0 = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("stage", "windows", "clips", "expected"),
    [
        (Stage.QUEUED, None, None, 180.0),
        (Stage.WINDOWING, None, None, 180.0),
        (Stage.SCORING, 8, None, 2 * 60 + 120.0),  # 8 windows, 4 calls at once: two rounds of 60 s
        (Stage.SCORING, 9, None, 3 * 60 + 120.0),
        (Stage.SCORING, None, None, 60 + 120.0),
        (Stage.THUMBNAILS, 8, 7, 4 * 30 + 120.0),  # 7 clips, 2 ffmpeg at once: four rounds of 30 s
    ],
)
def test_a_stage_deadline_grows_with_its_work(
    stage: Stage, windows: int | None, clips: int | None, expected: float
) -> None:
    assert stage_deadline_sec(stage, RULES, windows_total=windows, clips_total=clips) == expected


def test_within_the_deadline_the_batch_waits() -> None:
    verdict = judge(stage_started_at=T0, deadline_sec=100, redriven_at=None, now=at(99.9))
    assert verdict.action is Action.WAIT
    assert verdict.stalled_since is None


def test_past_the_deadline_it_is_re_driven_once_and_stalled_since_the_deadline() -> None:
    verdict = judge(stage_started_at=T0, deadline_sec=100, redriven_at=None, now=at(130))
    assert verdict.action is Action.REDRIVE
    assert verdict.stalled_since == at(100)


def test_after_a_re_drive_it_waits_one_more_deadline_then_fails() -> None:
    waiting = judge(stage_started_at=T0, deadline_sec=100, redriven_at=at(105), now=at(204))
    assert waiting.action is Action.WAIT
    assert waiting.stalled_since == at(100)
    failing = judge(stage_started_at=T0, deadline_sec=100, redriven_at=at(105), now=at(205))
    assert failing.action is Action.FAIL


def test_the_failure_names_the_stage_the_service_and_what_to_do() -> None:
    assert failure_message(Stage.SCORING, 600) == (
        "No scoring worker moved this batch on from scoring within 10 min (it was re-driven once); "
        "check that the scoring service is running and the LLM answers, then retry."
    )
    assert "thumbnail service is running" in failure_message(Stage.THUMBNAILS, 40)
    assert "within 40 s" in failure_message(Stage.THUMBNAILS, 40)
    assert "broker (Kafka)" in failure_message(Stage.QUEUED, 300)
