"""The render service under faults: a render process SIGKILLed mid-render finishes the export after a
restart with exactly one file and no scratch left, and re-delivered requests render nothing again."""

import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import (
    CLIP_EXPORT_REQUESTED,
    CLIP_EXPORTED,
    AspectRatio,
    ClipExportRequested,
    ReframeMode,
    RenderResolution,
    RenderSettings,
    Video,
)
from viralclip_testkit.kafka_probe import TopicProbe, publish_event, topic_probe
from viralclip_testkit.system import RunningSystem
from viralclip_testkit.waiting import eventually

from .faultkit import FfmpegSwitch, in_thread

pytestmark = pytest.mark.faults

Figure = Callable[[str, object], None]


async def request_export(
    system: RunningSystem, db: AsyncDatabase[dict[str, Any]], video: Video
) -> ClipExportRequested:
    """A queued export document, as batch-api writes it, and its request on the broker."""
    export_id = f"e-faults-{uuid.uuid4().hex[:10]}"
    await db["exports"].insert_one({"_id": export_id, "status": "queued"})
    event = ClipExportRequested(
        batch_id=f"b-faults-{uuid.uuid4().hex[:10]}",
        video_id=video.video_id,
        job_id="j-export",
        producer="batch-api",
        export_id=export_id,
        clip_id="c-faults",
        start_sec=30.0,
        end_sec=50.0,
        settings=RenderSettings(
            aspect_ratio=AspectRatio.PORTRAIT,
            reframe=ReframeMode.CENTER,
            captions=True,
            resolution=RenderResolution.HD_720,
        ),
    )
    await publish_event(system.kafka_bootstrap, CLIP_EXPORT_REQUESTED, event)
    return event


def files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


async def exported(probe: TopicProbe, event: ClipExportRequested, count: int = 1) -> list[Any]:
    return await probe.wait_for(CLIP_EXPORTED, batch_id=event.batch_id, count=count, timeout=120)


async def test_a_killed_render_finishes_after_a_restart_with_one_file_and_no_scratch(
    system: RunningSystem,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    ffmpeg: FfmpegSwitch,
    figure: Figure,
) -> None:
    video = await new_video()
    async with topic_probe(system.kafka_bootstrap, [CLIP_EXPORTED]) as probe:
        ffmpeg.slow(3)
        event = await request_export(system, db, video)
        scratch = system.media_root / "exports" / ".work" / event.export_id
        partial = scratch / f"{event.export_id}.part.mp4"

        async def rendering() -> bool:
            return partial.exists()

        await eventually(rendering, timeout=60, what="the render writing its partial file")
        system.fleet.children["render"].kill()
        killed_at = time.monotonic()
        final_dir = system.media_root / "exports" / event.batch_id
        assert files(final_dir) == [], "a killed render left a file that would be served"
        ffmpeg.fast()
        system.fleet.start("render")
        await in_thread(system.fleet.wait_ready)

        (done,) = await exported(probe, event)
        figure("render kill → exported (s)", time.monotonic() - killed_at)

    assert done.file_path == f"exports/{event.batch_id}/{event.export_id}.mp4"
    assert files(final_dir) == [f"{event.export_id}.mp4"], "duplicate or partial files were served"
    assert not scratch.exists(), "the killed render's scratch is still there"
    assert files(system.media_root / "exports" / ".work") == []
    stored = await db["exports"].find_one({"_id": event.export_id})
    assert stored is not None
    assert stored["render"]["attempts"] == 2
    assert stored["render"]["progress"] == 1.0
    assert probe.events(CLIP_EXPORTED, batch_id=event.batch_id) == [done], "exported twice"


async def test_re_delivered_export_requests_render_nothing_again(
    system: RunningSystem,
    db: AsyncDatabase[dict[str, Any]],
    new_video: Callable[..., Awaitable[Video]],
    ffmpeg: FfmpegSwitch,
) -> None:
    video = await new_video()
    async with topic_probe(system.kafka_bootstrap, [CLIP_EXPORTED]) as probe:
        event = await request_export(system, db, video)
        (done,) = await exported(probe, event)
        renders = ffmpeg.render_runs()

        await publish_event(system.kafka_bootstrap, CLIP_EXPORT_REQUESTED, event)  # the very same event
        await publish_event(system.kafka_bootstrap, CLIP_EXPORT_REQUESTED, event)
        asked_again = event.model_copy(update={"event_id": uuid.uuid4()})  # a new request, same export
        await publish_event(system.kafka_bootstrap, CLIP_EXPORT_REQUESTED, asked_again)
        announced = await exported(probe, event, count=2)

    assert ffmpeg.render_runs() == renders, "a duplicate request was rendered again"
    assert len(announced) == 2, "an exact duplicate was answered again"
    assert announced[1].file_path == done.file_path
    assert announced[1].size_bytes == done.size_bytes
    assert files(system.media_root / "exports" / event.batch_id) == [f"{event.export_id}.mp4"]
    stored = await db["exports"].find_one({"_id": event.export_id})
    assert stored is not None
    assert stored["render"]["attempts"] == 1
