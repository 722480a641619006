"""Registering a video keeps the event loop free: the transcript is parsed in a worker thread."""

import threading
from pathlib import Path
from typing import Any, cast

import pytest

from viralclip_batch_api.adapters.repository import Repository
from viralclip_batch_api.api.models import VideoCreate
from viralclip_batch_api.core import transcripts
from viralclip_batch_api.core.records import VideoRecord
from viralclip_batch_api.service_layer import registration
from viralclip_batch_api.settings import BatchApiSettings
from viralclip_testkit.media import write_blank_video

SRT = "1\n00:00:00,500 --> 00:00:01,500\nHello there.\n"


class MemoryRepository:
    def __init__(self) -> None:
        self.videos: dict[str, VideoRecord] = {}

    async def video(self, video_id: str) -> VideoRecord | None:
        return self.videos.get(video_id)

    async def insert_video(self, video: VideoRecord) -> bool:
        return self.videos.setdefault(video.video_id, video) is video


async def test_a_transcript_is_parsed_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 10-hour WebVTT transcript takes ~0.3 s to parse; on the loop it would stall every request,
    event stream and the projector meanwhile."""
    write_blank_video(tmp_path / "talk.mp4", 10)
    parsed_on: list[threading.Thread] = []
    parse = transcripts.import_transcript

    def recording_parse(*args: Any, **kwargs: Any) -> Any:
        parsed_on.append(threading.current_thread())
        return parse(*args, **kwargs)

    monkeypatch.setattr(registration, "import_transcript", recording_parse)
    data = VideoCreate(video_id="v-1", title="Talk", media_path="talk.mp4", duration_sec=10, transcript=SRT)

    video = await registration.register_video(
        cast(Repository, MemoryRepository()), BatchApiSettings(media_root=tmp_path), data
    )

    assert [s.text for s in video.transcript] == ["Hello there."]
    assert [(w.text, w.estimated) for w in video.transcript[0].words] == [("Hello", True), ("there.", True)]
    assert video.language == "en"
    assert len(parsed_on) == 1
    assert parsed_on[0] is not threading.main_thread()
