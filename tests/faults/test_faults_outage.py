"""Database outage: the MongoDB server stops for ~10 s while a batch is being scored and starts again on
the same data directory — every service reports the outage on /readyz meanwhile, recovers, and the batch
completes without a duplicate clip."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.system import RunningSystem
from viralclip_testkit.waiting import eventually

from .conftest import BATCH_CONFIG
from .faultkit import (
    SERVICES,
    calls_in_flight,
    crowded_windows,
    in_thread,
    log_records,
    near_duplicate_clips,
    readiness,
)

pytestmark = pytest.mark.faults

OUTAGE_SEC = 10.0
RETRY_MAX_ATTEMPTS = 8  # the services' default VIRALCLIP_RETRY_MAX_ATTEMPTS, which the fault system keeps
RETRIED = "transient fault, retrying"


def retries_since(system: RunningSystem, seen: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """Each service's retry log records after the first `seen[service]`."""
    return {s: log_records(system, s, RETRIED)[seen.get(s, 0) :] for s in SERVICES}


async def readiness_of_all(system: RunningSystem) -> dict[str, int]:
    """Every service's /readyz status, asked at once (each may take its 2-s database ping to answer)."""
    statuses = await asyncio.gather(*(readiness(system, service) for service in SERVICES))
    return dict(zip(SERVICES, statuses, strict=True))


@asynccontextmanager
async def database_stopped(system: RunningSystem) -> AsyncIterator[None]:
    """Stop the database server for the block; it is started again even if the block fails."""
    await in_thread(system.stack.stop_mongodb)
    try:
        yield
    finally:
        await in_thread(system.stack.start_mongodb)
        await in_thread(system.stack.wait_mongodb)


async def test_a_database_outage_mid_batch_is_reported_and_the_batch_completes(
    system: RunningSystem,
    api: ViralclipClient,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    responses_double: ResponsesDouble,
    figure: Callable[[str, object], None],
) -> None:
    responses_double.script(Script(default=Behaviour(latency_sec=0.5)), reset_calls=True)
    video = await new_video()
    retries_before = {s: len(records) for s, records in retries_since(system, {}).items()}
    batch_id = (await api.create_batch(video.video_id, **BATCH_CONFIG))["batch_id"]

    async def scoring_started() -> bool:
        return await db["clip_llm_contexts"].count_documents({"batch_id": batch_id}) >= 1

    await eventually(scoring_started, timeout=60, what="the batch to reach scoring")
    async with database_stopped(system):
        stopped_at = time.monotonic()

        async def all_report_the_outage() -> dict[str, int] | None:
            statuses = await readiness_of_all(system)
            return statuses if set(statuses.values()) == {503} else None

        await eventually(all_report_the_outage, timeout=20, interval=0.2, what="every /readyz to answer 503")
        detected_sec = time.monotonic() - stopped_at
        # The outage itself lasts a fixed time: there is no condition to wait for here.
        await asyncio.sleep(max(0.0, OUTAGE_SEC - detected_sec))
    outage_sec = time.monotonic() - stopped_at
    restarted_at = time.monotonic()

    last: dict[str, int] = {}

    async def all_ready() -> bool:
        last.update(await readiness_of_all(system))
        return set(last.values()) == {200}

    try:
        await eventually(all_ready, timeout=60, interval=0.2, what="every /readyz to answer 200 again")
    except AssertionError as error:
        raise AssertionError(f"{error}; last answers: {last}") from None
    ready_again_sec = time.monotonic() - restarted_at
    final = await api.wait_until_done(batch_id, timeout=90)
    completed_sec = time.monotonic() - restarted_at

    assert final["status"] == "ready", final.get("error_message")
    assert final["windows_failed"] == 0
    clips = await api.clips(batch_id)
    assert len(clips) == final["clips_total"] > 0
    assert near_duplicate_clips(clips) == 0
    assert crowded_windows(clips) == 0
    assert all(clip["thumbnail_path"] for clip in clips)
    answered_before_stop = sum(
        1 for call in responses_double.calls if call.answered_at is not None and call.answered_at < stopped_at
    )
    assert answered_before_stop < final["windows_total"], "the batch was scored before the outage began"
    retries = retries_since(system, retries_before)
    assert sum(map(len, retries.values())) > 0, "the outage interrupted no work in flight"
    attempts = [record["attempt"] for records in retries.values() for record in records]
    assert max(attempts) < RETRY_MAX_ATTEMPTS, "a fault was retried beyond the retry policy"
    repeated = responses_double.call_count - final["windows_total"]
    in_flight = calls_in_flight(responses_double.calls, stopped_at)
    assert repeated <= in_flight, f"{repeated} answers were asked for again ({in_flight} calls in flight)"
    figure("database stopped for (s)", outage_sec)
    figure("outage seen on every /readyz after (s)", detected_sec)
    figure("every /readyz 200 again after restart (s)", ready_again_sec)
    figure("batch ready after restart (s)", completed_sec)
    figure("windows scored before the outage", f"{answered_before_stop} of {final['windows_total']}")
    figure("transient faults retried", {s: len(records) for s, records in retries.items()})
    figure("LLM calls repeated / in flight when the database stopped", f"{repeated} / {in_flight}")
    figure("near-duplicate clips", near_duplicate_clips(clips))
