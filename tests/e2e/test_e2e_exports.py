"""A clip exported through the whole running system: POST an export, the render makes the MP4, batch-api
projects it, and the file it serves probes as the chosen preset with the clip's duration."""

import asyncio
from pathlib import Path

import pytest

from viralclip_contracts import Video
from viralclip_localstack.client import ViralclipClient
from viralclip_media import ffmpeg_runner, ffprobe_runner, probe_media

pytestmark = pytest.mark.e2e

BATCH_TIMEOUT_SEC = 180.0
EXPORT_TIMEOUT_SEC = 300.0
AAC_FRAME_SEC = 1024 / 48_000  # the container's duration may include the audio's last frame


async def test_an_exported_clip_is_a_1080x1920_h264_aac_mp4_of_the_clips_duration(
    api: ViralclipClient, video: Video, tmp_path: Path
) -> None:
    batch = await api.create_batch(video.video_id, video_type="podcast", clip_length_preset="<30s")
    final = await api.wait_until_done(batch["batch_id"], timeout=BATCH_TIMEOUT_SEC)
    assert final["status"] == "ready", final.get("error_message")
    clip = (await api.clips(batch["batch_id"]))[0]
    settings = {"aspect_ratio": "9:16", "captions": True, "reframe": "center"}

    requested = await api.http.post(f"/clips/{clip['clip_id']}/exports", json=settings)
    assert requested.status_code == 202, requested.text
    export_id = requested.json()["export_id"]
    (done,) = await api.wait_for_exports([export_id], timeout=EXPORT_TIMEOUT_SEC)
    again = await api.http.post(f"/clips/{clip['clip_id']}/exports", json=settings)

    assert done["status"] == "done", done.get("error_message")
    assert (again.json()["export_id"], again.headers["idempotent-replayed"]) == (export_id, "true")
    assert (await api.http.get(f"/clips/{clip['clip_id']}")).json()["status"] == "exported"
    served = await api.http.get(f"/exports/{export_id}/file")
    assert (served.status_code, served.headers["content-type"]) == (200, "video/mp4")
    assert len(served.content) == done["size_bytes"]
    head = await api.http.get(f"/exports/{export_id}/file", headers={"Range": "bytes=0-1023"})
    assert (head.status_code, head.content) == (206, served.content[:1024])
    path = tmp_path / f"{export_id}.mp4"
    await asyncio.to_thread(path.write_bytes, served.content)
    info = await probe_media(ffmpeg_runner(), path, timeout_sec=30, ffprobe=ffprobe_runner())
    assert (info.video_codec, info.audio_codec, info.width, info.height) == ("h264", "aac", 1080, 1920)
    assert info.frame_rate
    one_frame = 1 / info.frame_rate
    assert info.duration_sec == pytest.approx(clip["duration_sec"], abs=one_frame + AAC_FRAME_SEC)
    assert done["duration_sec"] == pytest.approx(clip["duration_sec"], abs=one_frame + AAC_FRAME_SEC)
