"""One registered video → a ranked set of sane clips with thumbnails, seen only through the REST API."""

import asyncio
from typing import Any

import pytest

from viralclip_contracts import AspectRatio, ClipLengthPreset, Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.clip_contract import contract_violations
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.speech import boundary_faults
from viralclip_testkit.system import RunningSystem
from viralclip_thumbnail.jpeg import jpeg_dimensions

pytestmark = pytest.mark.e2e

BATCH_TIMEOUT_SEC = 180.0


async def _finished(api: ViralclipClient, video_id: str, **config: Any) -> list[dict[str, Any]]:
    batch = await api.create_batch(video_id, **config)
    final = await api.wait_until_done(batch["batch_id"], timeout=BATCH_TIMEOUT_SEC)
    assert final["status"] == "ready", final.get("error_message")
    return await api.clips(batch["batch_id"])


async def _registered(api: ViralclipClient, video_id: str) -> Video:
    """The video as the system stored it (with the words it keeps or estimates)."""
    return Video.model_validate((await api.http.get(f"/videos/{video_id}")).json())


async def test_one_video_yields_at_least_five_sane_clips(
    api: ViralclipClient, video: Video, responses_double: ResponsesDouble
) -> None:
    responses_double.script(None, reset_calls=True)
    preset = ClipLengthPreset.FROM_30_TO_60S
    start, end = 20.0, video.duration_sec - 10
    clips = await _finished(
        api,
        video.video_id,
        video_type="podcast",
        clip_length_preset=preset.value,
        processing_timeframe_start=start,
        processing_timeframe_end=end,
    )

    assert responses_double.call_count > 0  # scored by the Responses API, not offline
    assert len(clips) >= 5
    stored = await _registered(api, video.video_id)
    assert contract_violations(clips, stored.transcript, preset=preset, timeframe=(start, end)) == []
    assert {clip["language"] for clip in clips} == {"en"}
    assert all(segment.words for segment in stored.transcript)  # words estimated at registration
    ranges = [(c["start_time_sec"], c["end_time_sec"]) for c in clips]
    assert boundary_faults(ranges, list(stored.transcript)) == []  # every clip starts and ends between words


async def test_a_careless_llm_still_yields_clips_that_keep_every_promise(
    api: ViralclipClient, video: Video, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(default=Behaviour(kind="messy")), reset_calls=True)
    preset = ClipLengthPreset.FROM_30_TO_60S
    start, end = 15.0, video.duration_sec - 20
    clips = await _finished(
        api,
        video.video_id,
        video_type="podcast",
        clip_length_preset=preset.value,
        processing_timeframe_start=start,
        processing_timeframe_end=end,
    )

    assert {call.kind for call in responses_double.calls} == {"messy"}
    assert clips, "repair kept nothing of the careless answers"
    stored = await _registered(api, video.video_id)
    assert contract_violations(clips, stored.transcript, preset=preset, timeframe=(start, end)) == []
    ranges = [(c["start_time_sec"], c["end_time_sec"]) for c in clips]
    assert boundary_faults(ranges, list(stored.transcript)) == []


async def test_a_client_following_the_event_stream_gets_the_ready_batch_without_polling(
    api: ViralclipClient, video: Video, responses_double: ResponsesDouble
) -> None:
    """`follow_until_done` (how the benchmarks wait for ten batches): the stream ends with the batch."""
    responses_double.script(None, reset_calls=True)
    batch = await api.create_batch(video.video_id, video_type="podcast")
    final = await api.follow_until_done(batch["batch_id"], timeout=BATCH_TIMEOUT_SEC)
    assert (final["status"], final["stage"], final["progress"]) == ("ready", "done", 1.0)
    assert final["clips_total"] == len(await api.clips(batch["batch_id"])) > 0


async def test_following_a_batch_that_does_not_end_in_time_says_where_it_is(
    api: ViralclipClient, video: Video, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(default=Behaviour(latency_sec=5.0)), reset_calls=True)
    batch = await api.create_batch(video.video_id, video_type="podcast")
    with pytest.raises(TimeoutError, match=rf"batch {batch['batch_id']} still \w+/\w+ after 1 s"):
        await api.follow_until_done(batch["batch_id"], timeout=1.0)
    responses_double.script(None)
    assert (await api.wait_until_done(batch["batch_id"], timeout=BATCH_TIMEOUT_SEC))["status"] == "ready"


async def test_every_clip_has_a_thumbnail_file_and_serves_it_in_the_batch_aspect_ratio(
    api: ViralclipClient, video: Video, system: RunningSystem
) -> None:
    ratio = AspectRatio.FEED
    clips = await _finished(api, video.video_id, video_type="podcast", aspect_ratio=ratio.value)

    assert clips
    for clip in clips:
        assert clip["thumbnail_path"], clip
        assert await asyncio.to_thread((system.media_root / clip["thumbnail_path"]).is_file)
        response = await api.http.get(f"/clips/{clip['clip_id']}/thumbnail")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/jpeg"
        width, height = jpeg_dimensions(response.content)
        assert width / height == pytest.approx(ratio.width_to_height, rel=0.02)
