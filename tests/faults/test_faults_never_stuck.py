"""No batch is ever silently stuck: under the supervised fleet a killed worker is restarted and its batch
ends `ready`; a worker stopped for good leaves its batch `failed` with a readable error within its
deadline; a broker restart mid-batch ends the batch ready or failed, never in flight; of two batch-api
replicas exactly one re-drives and one fails a stalled batch.

These tests run their own system: supervised, with stage deadlines of seconds instead of minutes.
"""

import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Video
from viralclip_localstack.client import ViralclipClient
from viralclip_localstack.supervision import RestartPolicy
from viralclip_testkit.media import write_timestamp_video
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.system import RunningSystem, running_system
from viralclip_testkit.waiting import eventually

from .conftest import BATCH_CONFIG, MEDIA_PATH, MEDIA_SECONDS, system_env
from .faultkit import FfmpegSwitch, in_thread, log_count, near_duplicate_clips

pytestmark = pytest.mark.faults

Figure = Callable[[str, object], None]

DEADLINES = {
    # scoring: 8 windows ÷ 2 calls at once × 2 s + 15 s = 23 s; windowing 2 + 15 = 17 s;
    # thumbnails: clips × 1 s + 15 s. Long enough for a restart and a group re-join on the embedded broker.
    "VIRALCLIP_DEADLINE_SLACK_SEC": "15",
    "VIRALCLIP_DEADLINE_WINDOWING_SEC": "2",
    "VIRALCLIP_DEADLINE_LLM_TIMEOUT_SEC": "2",
    "VIRALCLIP_DEADLINE_LLM_CONCURRENCY": "2",
    "VIRALCLIP_DEADLINE_FFMPEG_TIMEOUT_SEC": "1",
    "VIRALCLIP_DEADLINE_FFMPEG_CONCURRENCY": "1",
    "VIRALCLIP_STALL_WATCH_INTERVAL_SEC": "0.5",
}
SCORING_DEADLINE_SEC = 8 / 2 * 2 + 15
REDRIVEN = "batch past its stage deadline; re-driven once"
FAILED = "batch failed: no move within its deadline after a re-drive"
READABLE = re.compile(
    r"^No (windowing|scoring|thumbnail) worker moved this batch on from \w+ within \d+ s \(it was re-driven "
    r"once\); check that .+, then retry\.$"
)


@pytest.fixture(scope="module")
def system(
    tmp_path_factory: pytest.TempPathFactory, responses_double: ResponsesDouble, ffmpeg: FfmpegSwitch
) -> Iterator[RunningSystem]:
    workdir = tmp_path_factory.mktemp("never-stuck")
    env = {**system_env(responses_double, ffmpeg), **DEADLINES}
    policy = RestartPolicy(base_delay_sec=0.5, max_delay_sec=2.0, max_restarts=5, window_sec=60)
    with running_system(workdir, env=env, supervise=True, restart_policy=policy) as running:
        write_timestamp_video(running.media_root / MEDIA_PATH, MEDIA_SECONDS, fps=1)
        yield running


@pytest.fixture(scope="module")
async def db(system: RunningSystem) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        system.stack.mongodb_uri, tz_aware=True, serverSelectionTimeoutMS=5_000
    )
    yield client["viralclip"]
    await client.close()


def fleet_log(system: RunningSystem) -> str:
    return system.log("fleet")


async def fleet_status(system: RunningSystem) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=10) as http:
        return dict((await http.get(f"{system.fleet.url('batch-api')}/status")).json())


def live(status: dict[str, Any], service: str) -> bool:
    return any(w["service"] == service and w["live"] for w in status["workers"])


async def started_again(system: RunningSystem, service: str) -> None:
    """Start a service that the test stopped for good, and wait until it is ready."""
    system.fleet.restart(service)
    await in_thread(system.fleet.wait_ready)


async def test_a_killed_worker_is_restarted_by_the_supervisor_and_its_batch_ends_ready(
    system: RunningSystem,
    api: ViralclipClient,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    responses_double: ResponsesDouble,
    figure: Figure,
) -> None:
    responses_double.script(Script(default=Behaviour(latency_sec=1.0)))
    video = await new_video()
    batch_id = (await api.create_batch(video.video_id, **BATCH_CONFIG))["batch_id"]

    async def scoring_under_way() -> bool:
        return await db["clip_llm_contexts"].count_documents({"batch_id": batch_id}) >= 2

    await eventually(scoring_under_way, timeout=60, what="the first windows scored")
    scoring = system.fleet.children["scoring"]
    old_pid = scoring.pid
    scoring.kill()
    killed_at = time.monotonic()

    async def restarted() -> bool:
        child = system.fleet.children["scoring"]
        return child.pid != old_pid and child.alive()

    redrives_before = log_count(system, "batch-api", REDRIVEN)
    await eventually(restarted, timeout=30, what="the supervisor to restart scoring")
    restarted_sec = time.monotonic() - killed_at
    final = await api.wait_until_done(batch_id, timeout=2 * SCORING_DEADLINE_SEC + 30)
    ready_sec = time.monotonic() - killed_at

    assert final["status"] == "ready", final.get("error_message")
    assert (
        "supervisor: !!! scoring exited unexpectedly (signal SIGKILL); restarting it in 0.5 s"
        in fleet_log(system)
    )
    assert "supervisor: restarted scoring (restart 1)" in fleet_log(system)
    clips = await api.clips(batch_id)
    assert len(clips) == final["clips_total"] > 0
    assert near_duplicate_clips(clips) == 0
    figure("kill to restarted by the supervisor (s)", restarted_sec)
    figure("kill to batch ready (s)", ready_sec)
    figure("re-drives on the way", log_count(system, "batch-api", REDRIVEN) - redrives_before)
    figure("near-duplicate clips", near_duplicate_clips(clips))


async def test_a_worker_stopped_for_good_fails_its_batch_with_a_readable_error_inside_its_deadline(
    system: RunningSystem,
    api: ViralclipClient,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    figure: Figure,
) -> None:
    assert live(await fleet_status(system), "scoring")
    unexpected_exits = fleet_log(system).count("scoring exited unexpectedly")
    stopped = await in_thread(system.fleet.children["scoring"].stop, 30.0)  # SIGTERM: not restarted
    assert stopped == 0

    async def scoring_not_live() -> bool:
        return not live(await fleet_status(system), "scoring")

    await eventually(scoring_not_live, timeout=30, what="/status to show no scoring consumer")
    try:
        video = await new_video()
        created = await api.create_batch(video.video_id, **BATCH_CONFIG)
        batch_id = created["batch_id"]
        created_at = time.monotonic()

        async def stalled() -> dict[str, Any] | None:
            batch = await api.batch(batch_id)
            return batch if batch.get("stalled_since") else None

        stalled_batch = await eventually(stalled, timeout=SCORING_DEADLINE_SEC + 30, what="stalled_since")
        assert stalled_batch["status"] == "draft"
        assert stalled_batch["stage"] == "scoring"
        stalled_sec = time.monotonic() - created_at
        final = await api.wait_until_done(batch_id, timeout=2 * SCORING_DEADLINE_SEC + 30)
        failed_sec = time.monotonic() - created_at
    finally:
        await started_again(system, "scoring")

    assert final["status"] == "failed"
    assert final["stage"] == "scoring"
    assert READABLE.match(final["error_message"]), final["error_message"]
    assert "check that the scoring service is running" in final["error_message"]
    assert failed_sec < 2 * SCORING_DEADLINE_SEC + 10, "failed later than twice its stage deadline"
    job = await db["jobs"].find_one({"_id": created["job_id"]})
    assert job is not None
    assert job["status"] == "failed"
    assert fleet_log(system).count("scoring exited unexpectedly") == unexpected_exits, (
        "a service stopped on purpose was taken for a crash"
    )
    retried = await api.retry_batch(batch_id)
    again = await api.wait_until_done(batch_id, timeout=2 * SCORING_DEADLINE_SEC + 30)
    assert again["job_id"] == retried["job_id"] != created["job_id"]
    assert again["status"] == "ready", again.get("error_message")
    figure("scoring stage deadline (s)", SCORING_DEADLINE_SEC)
    figure("created to stalled_since shown (s)", stalled_sec)
    figure("created to failed, scoring stopped for good (s)", failed_sec)
    figure("the error", final["error_message"])


async def test_a_broker_restart_mid_batch_ends_the_batch_ready_or_failed_never_in_flight(
    system: RunningSystem,
    api: ViralclipClient,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    responses_double: ResponsesDouble,
    figure: Figure,
) -> None:
    assert system.stack.kafka is not None, "this test restarts the embedded broker"
    responses_double.script(Script(default=Behaviour(latency_sec=1.0)))
    video = await new_video()
    batch_id = (await api.create_batch(video.video_id, **BATCH_CONFIG))["batch_id"]

    async def scoring_under_way() -> bool:
        return await db["clip_llm_contexts"].count_documents({"batch_id": batch_id}) >= 1

    await eventually(scoring_under_way, timeout=60, what="the first windows scored")
    redrives_before = log_count(system, "batch-api", REDRIVEN)
    restarted_at = time.monotonic()
    await in_thread(system.stack.restart_kafka)  # memory storage: every topic, offset and group is gone
    final = await api.wait_until_done(batch_id, timeout=4 * SCORING_DEADLINE_SEC + 60)
    ended_sec = time.monotonic() - restarted_at

    assert final["status"] in ("ready", "failed")
    if final["status"] == "failed":
        assert READABLE.match(final["error_message"]), final["error_message"]
    else:
        assert near_duplicate_clips(await api.clips(batch_id)) == 0
    figure("outcome after the broker restart", final["status"])
    figure("broker restart to batch ended (s)", ended_sec)
    figure("re-drives", log_count(system, "batch-api", REDRIVEN) - redrives_before)


async def test_two_batch_api_replicas_re_drive_and_fail_a_stalled_batch_once(
    system: RunningSystem,
    api: ViralclipClient,
    new_video: Callable[..., Awaitable[Video]],
    figure: Figure,
) -> None:
    replica = system.fleet.start("batch-api", replica="-2")
    await in_thread(system.fleet.wait_ready)
    before = {
        name: (log_count(system, name, REDRIVEN), log_count(system, name, FAILED))
        for name in ("batch-api", "batch-api-2")
    }
    await in_thread(system.fleet.children["windowing"].stop, 30.0)
    try:
        video = await new_video()
        batch_id = (await api.create_batch(video.video_id, **BATCH_CONFIG))["batch_id"]
        final = await api.wait_until_done(batch_id, timeout=120)
    finally:
        replica.stop()
        system.fleet.children.pop("batch-api-2", None)
        await started_again(system, "windowing")

    assert final["status"] == "failed"
    assert final["stage"] in ("queued", "windowing")
    assert READABLE.match(final["error_message"]), final["error_message"]
    acted = {
        name: (log_count(system, name, REDRIVEN) - r, log_count(system, name, FAILED) - f)
        for name, (r, f) in before.items()
    }
    redrives = sum(r for r, _ in acted.values())
    failures = sum(f for _, f in acted.values())
    assert (redrives, failures) == (1, 1), acted
    figure("re-drives / failures across two replicas", f"{redrives} / {failures}")
    figure("acting replica per step", {name: steps for name, steps in acted.items() if any(steps)})
