"""The batch.created handler against a fake repository: load → core → store → publish."""

from viralclip_contracts import (
    BatchCreated,
    BatchFailed,
    ClipBatchConfig,
    Event,
    ProcessingTimeframe,
    Stage,
    TranscriptSegment,
    Video,
    WindowsReady,
)
from viralclip_runtime import InvalidVideoRecord, derived_event_id
from viralclip_windowing.handlers import handle_batch_created
from viralclip_windowing.repository import WindowRepository
from viralclip_windowing.rules import DEFAULT_RULES
from viralclip_windowing.windows import WindowPlan


class FakeRepository(WindowRepository):
    """An in-memory repository that records what the handler stored."""

    def __init__(self, video: Video | None = None, *, stale: bool = False, invalid: bool = False) -> None:
        self.video = video
        self.stale = stale
        self.invalid = invalid
        self.stored: list[tuple[str, WindowPlan]] = []

    async def is_stale(self, event: Event) -> bool:
        return self.stale

    async def load_video(self, video_id: str) -> Video | None:
        if self.invalid:
            raise InvalidVideoRecord(f"Video {video_id} is registered with invalid fields (duration_sec).")
        return self.video

    async def store_windows(self, event: BatchCreated, plan: WindowPlan) -> bool:
        self.stored.append((event.job_id, plan))
        return True


def _video() -> Video:
    transcript = tuple(
        TranscriptSegment(start_sec=t, end_sec=t + 4.0, text="Hola, ¿qué tal?") for t in range(0, 300, 4)
    )
    return Video(
        video_id="v-1",
        title="Charla",
        media_path="videos/c.mp4",
        duration_sec=300,
        language="es",
        transcript=transcript,
    )


def _event(config: ClipBatchConfig | None = None) -> BatchCreated:
    return BatchCreated(
        batch_id="b-1", video_id="v-1", job_id="j-1", producer="batch-api", config=config or ClipBatchConfig()
    )


async def _handle(repository: FakeRepository, event: BatchCreated | None = None) -> list[Event]:
    published: list[Event] = []

    async def publish(out: Event) -> None:
        published.append(out)

    await handle_batch_created(event or _event(), repository=repository, publish=publish, rules=DEFAULT_RULES)
    return published


async def test_a_stored_video_gives_stored_windows_and_one_windows_ready() -> None:
    repository = FakeRepository(_video())
    published = await _handle(repository)
    assert len(published) == 1
    ready = published[0]
    assert isinstance(ready, WindowsReady)
    assert ready.event_id == derived_event_id("j-1", "windows.ready")
    assert ready.language == "es"
    assert (ready.batch_id, ready.job_id, ready.producer) == ("b-1", "j-1", "windowing")
    assert [job for job, _ in repository.stored] == ["j-1"]
    assert repository.stored[0][1].windows == ready.windows
    assert ready.windows


async def test_a_redelivered_event_publishes_the_same_event() -> None:
    repository = FakeRepository(_video())
    first, second = await _handle(repository), await _handle(repository)
    assert [e.event_id for e in first] == [e.event_id for e in second]
    assert isinstance(first[0], WindowsReady)
    assert isinstance(second[0], WindowsReady)
    assert first[0].windows == second[0].windows


async def test_a_missing_video_fails_the_batch_with_a_message_for_the_creator() -> None:
    repository = FakeRepository(None)
    [failed] = await _handle(repository)
    assert isinstance(failed, BatchFailed)
    assert failed.stage is Stage.WINDOWING
    assert failed.event_id == derived_event_id("j-1", "batch.failed")
    assert "Video v-1 is not registered" in failed.error_message
    assert repository.stored == []


async def test_a_malformed_video_fails_the_batch_naming_the_fields() -> None:
    [failed] = await _handle(FakeRepository(invalid=True))
    assert isinstance(failed, BatchFailed)
    assert "invalid fields (duration_sec)" in failed.error_message


async def test_a_timeframe_that_leaves_nothing_fails_the_batch() -> None:
    event = _event(ClipBatchConfig(processing_timeframe=ProcessingTimeframe(start_sec=400.0)))
    repository = FakeRepository(_video())
    [failed] = await _handle(repository, event)
    assert isinstance(failed, BatchFailed)
    assert "starts at 6:40, but the video is only 5:00 long" in failed.error_message
    assert repository.stored == []


async def test_a_video_with_no_transcript_and_no_scenes_fails_the_batch() -> None:
    empty = _video().model_copy(update={"transcript": ()})
    [failed] = await _handle(FakeRepository(empty))
    assert isinstance(failed, BatchFailed)
    assert "no transcript and no scene segments" in failed.error_message


async def test_an_event_of_a_superseded_job_is_ignored() -> None:
    repository = FakeRepository(_video(), stale=True)
    assert await _handle(repository) == []
    assert repository.stored == []
