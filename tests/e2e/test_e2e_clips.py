"""One registered video → a ranked set of sane clips with thumbnails, seen only through the REST API."""

import asyncio
import itertools
from typing import Any

import pytest

from viralclip_contracts import AspectRatio, ClipLengthPreset, Grade, TranscriptSegment, Video
from viralclip_localstack.client import ViralclipClient
from viralclip_testkit.responses_double import ResponsesDouble
from viralclip_testkit.speech import boundary_faults
from viralclip_testkit.system import RunningSystem
from viralclip_thumbnail.jpeg import jpeg_dimensions

pytestmark = pytest.mark.e2e

GRADES = {grade.value for grade in Grade}
BATCH_TIMEOUT_SEC = 180.0


async def _finished(api: ViralclipClient, video_id: str, **config: Any) -> list[dict[str, Any]]:
    batch = await api.create_batch(video_id, **config)
    final = await api.wait_until_done(batch["batch_id"], timeout=BATCH_TIMEOUT_SEC)
    assert final["status"] == "ready", final.get("error_message")
    return await api.clips(batch["batch_id"])


async def test_one_video_yields_at_least_five_sane_clips(
    api: ViralclipClient, video: Video, responses_double: ResponsesDouble
) -> None:
    calls_before = responses_double.call_count
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

    assert responses_double.call_count > calls_before  # scored by the Responses API, not offline
    assert len(clips) >= 5
    assert sorted(c["rank"] for c in clips) == list(range(1, len(clips) + 1))
    low, high = preset.bounds_sec
    for clip in clips:
        assert 0 <= clip["viral_score"] <= 10
        assert {clip[f"grade_{k}"] for k in ("hook", "flow", "value", "trend")} <= GRADES
        duration = clip["end_time_sec"] - clip["start_time_sec"]
        assert low <= duration <= high, clip
        assert start <= clip["start_time_sec"] < clip["end_time_sec"] <= end, clip
        assert clip["language"] == "en"
        assert clip["title"]
    for a, b in itertools.combinations(clips, 2):
        overlap = min(a["end_time_sec"], b["end_time_sec"]) - max(a["start_time_sec"], b["start_time_sec"])
        shorter = min(a["duration_sec"], b["duration_sec"])
        assert overlap <= shorter / 2, (a["clip_id"], b["clip_id"])
    registered = (await api.http.get(f"/videos/{video.video_id}")).json()
    transcript = [TranscriptSegment.model_validate(s) for s in registered["transcript"]]
    assert all(segment.words for segment in transcript)  # words estimated at registration
    ranges = [(c["start_time_sec"], c["end_time_sec"]) for c in clips]
    assert boundary_faults(ranges, transcript) == []  # every clip starts and ends between words


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
