"""Crashes: a service SIGKILLed in the middle of a batch and started again finishes the batch — no
duplicate clip, no lost window, no thumbnail made twice, no batch stranded between its write and its event.
A service stopped with SIGTERM first finishes and commits what it is doing, then exits 0.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import BATCH_CREATED, Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.kafka_probe import read_all
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.system import RunningSystem
from viralclip_testkit.waiting import eventually

from .conftest import BATCH_CONFIG
from .faultkit import (
    DUPLICATE_SKIPPED,
    FfmpegSwitch,
    calls_in_flight,
    crowded_windows,
    frozen,
    in_thread,
    log_count,
    near_duplicate_clips,
    wait_until_consumed,
)

pytestmark = pytest.mark.faults

Figure = Callable[[str, object], None]


async def restart(system: RunningSystem, service: str) -> None:
    """Start the service again (same port and settings) and wait until it is ready."""
    system.fleet.start(service)
    await in_thread(system.fleet.wait_ready)


async def test_scoring_killed_mid_batch_finishes_the_batch_after_a_restart(
    system: RunningSystem,
    api: ViralclipClient,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    responses_double: ResponsesDouble,
    figure: Figure,
) -> None:
    responses_double.script(Script(default=Behaviour(latency_sec=1.0)), reset_calls=True)
    video = await new_video()
    batch_id = (await api.create_batch(video.video_id, **BATCH_CONFIG))["batch_id"]
    exchanges = db["clip_llm_contexts"]

    async def some_windows_scored() -> bool:
        return await exchanges.count_documents({"batch_id": batch_id}) >= 2

    await eventually(some_windows_scored, timeout=60, what="the first windows scored")
    system.fleet.children["scoring"].kill()
    killed_at = time.monotonic()
    scored_before_kill = await exchanges.count_documents({"batch_id": batch_id})
    lost_at_kill = calls_in_flight(responses_double.calls, killed_at) - scored_before_kill
    reused_before = log_count(system, "scoring", "reusing the stored answer")
    await restart(system, "scoring")
    final = await api.wait_until_done(batch_id, timeout=90)
    recovered_sec = time.monotonic() - killed_at

    assert final["status"] == "ready", final.get("error_message")
    windows = (await db["windows"].find_one({"_id": final["job_id"]}) or {}).get("windows", [])
    assert len(windows) == final["windows_total"] == 8
    assert final["windows_failed"] == 0
    stored = await exchanges.find({"batch_id": batch_id}).to_list(None)
    assert sorted(w for e in stored for w in e["window_ids"]) == sorted(w["window_id"] for w in windows)
    assert all(e["answer"] is not None for e in stored)
    clips = await api.clips(batch_id)
    assert len(clips) == final["clips_total"] > 0
    assert near_duplicate_clips(clips) == 0
    assert crowded_windows(clips) == 0
    calls = responses_double.call_count
    assert scored_before_kill < 8, "the kill came too late to interrupt the batch"
    assert calls - len(windows) <= lost_at_kill, "a window scored before the kill was scored again"
    figure("windows scored before the kill", f"{scored_before_kill} of {len(windows)}")
    figure(
        "stored answers reused after restart",
        log_count(system, "scoring", "reusing the stored answer") - reused_before,
    )
    figure("LLM calls repeated / in flight at the kill", f"{calls - len(windows)} / {lost_at_kill}")
    figure("kill to batch ready (s)", recovered_sec)
    figure("near-duplicate clips", near_duplicate_clips(clips))


async def test_scoring_stopped_with_sigterm_mid_batch_finishes_it_then_exits_zero(
    system: RunningSystem,
    api: ViralclipClient,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    responses_double: ResponsesDouble,
    figure: Figure,
) -> None:
    responses_double.script(Script(default=Behaviour(latency_sec=1.0)))
    video = await new_video()
    calls_before = responses_double.call_count
    batch_id = (await api.create_batch(video.video_id, **BATCH_CONFIG))["batch_id"]
    exchanges = db["clip_llm_contexts"]

    async def some_windows_scored() -> bool:
        return await exchanges.count_documents({"batch_id": batch_id}) >= 2

    await eventually(some_windows_scored, timeout=60, what="the first windows scored")
    scored_at_sigterm = await exchanges.count_documents({"batch_id": batch_id})
    skipped_before = log_count(system, "scoring", DUPLICATE_SKIPPED)
    scoring = system.fleet.children["scoring"]
    stopping_at = time.monotonic()
    exit_code = await in_thread(scoring.stop, 60.0)  # SIGTERM, then wait for the exit
    stop_sec = time.monotonic() - stopping_at
    final = await api.wait_until_done(batch_id, timeout=60)
    await restart(system, "scoring")
    await wait_until_consumed(system.kafka_bootstrap)

    assert exit_code == 0
    assert scored_at_sigterm < 8, "SIGTERM came too late to interrupt the batch"
    assert final["status"] == "ready", final.get("error_message")
    assert final["windows_total"] == 8
    assert final["windows_failed"] == 0
    assert responses_double.call_count - calls_before == 8, "a window was scored twice"
    redelivered = log_count(system, "scoring", DUPLICATE_SKIPPED) - skipped_before
    assert redelivered == 0, "the offset was not committed"
    figure("windows scored at SIGTERM", f"{scored_at_sigterm} of 8")
    figure("SIGTERM to exit 0, in-flight batch finished (s)", stop_sec)
    figure("messages redelivered after restart", redelivered)


async def test_thumbnail_killed_during_extraction_finishes_the_batch_after_a_restart(
    system: RunningSystem,
    api: ViralclipClient,
    new_video: Callable[..., Awaitable[Video]],
    ffmpeg: FfmpegSwitch,
    figure: Figure,
) -> None:
    ffmpeg.slow(0.5)
    video = await new_video()
    batch_id = (await api.create_batch(video.video_id, **BATCH_CONFIG))["batch_id"]
    folder = system.media_root / "thumbnails" / batch_id

    async def some_thumbnails_made() -> bool:
        return len(list(folder.glob("*.jpg"))) >= 2

    await eventually(some_thumbnails_made, timeout=60, what="the first thumbnails")
    system.fleet.children["thumbnail"].kill()
    killed_at = time.monotonic()
    made_before_kill = len(list(folder.glob("*.jpg")))
    runs_before_restart = ffmpeg.frame_runs()
    ffmpeg.fast()
    await restart(system, "thumbnail")
    final = await api.wait_until_done(batch_id, timeout=90)
    recovered_sec = time.monotonic() - killed_at

    assert final["status"] == "ready", final.get("error_message")
    clips = await api.clips(batch_id)
    assert len(clips) == final["clips_total"] > made_before_kill
    assert final["thumbnails_failed"] == 0
    assert near_duplicate_clips(clips) == 0
    assert crowded_windows(clips) == 0
    assert all((system.media_root / clip["thumbnail_path"]).is_file() for clip in clips)
    assert sorted(p.name for p in folder.glob("*.jpg")) == sorted(f"{c['clip_id']}.jpg" for c in clips)
    redone = ffmpeg.frame_runs() - runs_before_restart
    assert redone == len(clips) - made_before_kill, "a thumbnail made before the kill was made again"
    figure("thumbnails made before the kill", f"{made_before_kill} of {len(clips)}")
    figure("frames extracted after restart", redone)
    figure("partial files left by the killed ffmpeg", len(list(folder.glob(".*.part"))))
    figure("kill to batch ready (s)", recovered_sec)
    figure("near-duplicate clips", near_duplicate_clips(clips))


async def test_batch_api_killed_between_the_batch_write_and_the_publish_loses_no_batch(
    system: RunningSystem,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    figure: Figure,
) -> None:
    video = await new_video()
    assert system.stack.kafka is not None, "this test freezes the embedded broker"
    skipped_before = log_count(system, "windowing", DUPLICATE_SKIPPED)
    # A frozen broker keeps its sockets open but answers nothing: the batch is written, its
    # batch.created waits in the outbox, and the process dies before any publish completed.
    with frozen(system.stack.kafka):
        async with ViralclipClient(system.api_url) as api:
            batch = await api.create_batch(video.video_id, **BATCH_CONFIG)
        document = await db["clip_batches"].find_one({"_id": batch["batch_id"]})
        assert document is not None
        assert [entry["sent_at"] for entry in document["outbox"]] == [None]
        system.fleet.children["batch-api"].kill()
    killed_at = time.monotonic()
    await restart(system, "batch-api")
    async with ViralclipClient(system.api_url) as api:
        final = await api.wait_until_done(batch["batch_id"], timeout=90)
        clips = await api.clips(batch["batch_id"])
    recovered_sec = time.monotonic() - killed_at

    assert final["status"] == "ready", final.get("error_message")
    assert final["job_id"] == batch["job_id"]
    assert await db["clip_batches"].count_documents({"video_id": video.video_id}) == 1
    assert await db["windows"].count_documents({"batch_id": batch["batch_id"]}) == 1
    assert len(clips) == final["clips_total"] > 0
    assert near_duplicate_clips(clips) == 0
    assert crowded_windows(clips) == 0
    published = [
        r
        for r in await read_all(system.kafka_bootstrap, [BATCH_CREATED])
        if r.key == batch["batch_id"].encode()
    ]
    assert 1 <= len(published) <= 2
    assert log_count(system, "windowing", DUPLICATE_SKIPPED) - skipped_before == len(published) - 1
    figure("batch.created records published (same event id)", len(published))
    figure("kill to batch ready (s)", recovered_sec)
    figure("near-duplicate clips", near_duplicate_clips(clips))
