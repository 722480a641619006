"""windows.ready → clips.scored / batch.failed, through the real SDK against the Responses double.

The repository is an in-memory fake (a real subclass of the port); broker and database are covered by
the integration tests.
"""

import time
import uuid
from collections.abc import AsyncIterator, Sequence

import pytest
from pymongo.errors import AutoReconnect

from viralclip_contracts import (
    BatchFailed,
    Clip,
    ClipBatchConfig,
    ClipsScored,
    Event,
    ScoringStrategy,
    Window,
    WindowsReady,
)
from viralclip_runtime import RetryPolicy
from viralclip_scoring.batch_scoring import BatchScorer, Exchange
from viralclip_scoring.handlers import handle_windows_ready
from viralclip_scoring.openai_provider import OpenAIProvider, make_openai_client
from viralclip_scoring.prompt import VideoBrief
from viralclip_scoring.providers import ClipProvider, HeuristicProvider
from viralclip_scoring.repository import ScoringRepository
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.responses_sample import sample_windows

WINDOWS = sample_windows(window_sec=75.0, max_duration_sec=300.0)[:3]


class InMemoryRepository(ScoringRepository):
    """The repository port over dictionaries, recording what was written."""

    def __init__(self, current_jobs: dict[str, str] | None = None) -> None:
        self.current_jobs = current_jobs or {}
        self.exchanges: dict[str, Exchange] = {}
        self.clips: dict[str, tuple[str, Clip]] = {}

    async def is_stale(self, event: Event) -> bool:
        return self.current_jobs.get(event.batch_id, event.job_id) != event.job_id

    async def load_video(self, video_id: str) -> tuple[VideoBrief, float | None]:
        return VideoBrief(title="The Value of the Moon", summary="Why go back."), 3600.0

    async def find_exchange(self, exchange_id: str) -> Exchange | None:
        return self.exchanges.get(exchange_id)

    async def save_exchange(self, exchange: Exchange) -> Exchange:
        return self.exchanges.setdefault(exchange.exchange_id, exchange)

    async def save_clips(self, batch_id: str, job_id: str, clips: Sequence[Clip]) -> bool:
        if self.current_jobs.get(batch_id, job_id) != job_id:
            return False
        self.clips.update({clip.clip_id: (job_id, clip) for clip in clips})
        return True


class Harness:
    def __init__(
        self,
        provider: ClipProvider,
        strategy: ScoringStrategy = ScoringStrategy.PER_WINDOW,
        deadline_sec: float | None = None,
    ) -> None:
        self.repository = InMemoryRepository()
        self.scorer = BatchScorer(
            provider,
            self.repository,
            strategy=strategy,
            concurrency=2,
            deadline=None if deadline_sec is None else (lambda calls: deadline_sec),
        )
        self.published: list[Event] = []

    async def publish(self, event: Event) -> None:
        self.published.append(event)

    async def handle(self, event: WindowsReady) -> Event:
        before = len(self.published)
        await handle_windows_ready(
            event, repository=self.repository, scorer=self.scorer, publish=self.publish
        )
        assert len(self.published) == before + 1, "exactly one event per delivery"
        return self.published[-1]


def windows_ready(windows: Sequence[Window] = WINDOWS, **config: object) -> WindowsReady:
    return WindowsReady(
        batch_id=f"b-{uuid.uuid4().hex[:8]}",
        video_id="v-moon",
        job_id=f"j-{uuid.uuid4().hex[:8]}",
        producer="windowing",
        config=ClipBatchConfig.model_validate(
            {"video_type": "podcast", "clip_length_preset": "30-60s", **config}
        ),
        language="en",
        windows=tuple(windows),
    )


async def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
async def openai_harness(responses_double: ResponsesDouble) -> AsyncIterator[Harness]:
    client = make_openai_client(
        api_key="sk-test-key-123456", base_url=responses_double.base_url, timeout_sec=5.0
    )
    provider = OpenAIProvider(client, timeout_sec=5.0, retry=RetryPolicy(max_attempts=5), sleep=no_sleep)
    yield Harness(provider)
    await provider.close()


async def test_each_window_is_scored_and_one_clips_scored_is_published(
    openai_harness: Harness, responses_double: ResponsesDouble
) -> None:
    event = windows_ready()

    published = await openai_harness.handle(event)

    assert isinstance(published, ClipsScored)
    assert responses_double.call_count == len(WINDOWS)
    assert len(published.clips) == len(WINDOWS)
    assert [clip.rank for clip in published.clips] == list(range(1, len(WINDOWS) + 1))
    assert (published.windows_total, published.windows_failed, published.window_errors) == (3, 0, ())
    assert published.scored_by == "openai:gpt-6.2-astra"
    assert {clip.clip_id for _, clip in openai_harness.repository.clips.values()} == {
        clip.clip_id for clip in published.clips
    }
    exchange = next(iter(openai_harness.repository.exchanges.values()))
    assert exchange.usage is not None
    assert exchange.raw_response
    assert exchange.prompt.input.count("### Window") == 1


async def test_a_redelivered_event_reuses_the_stored_answers_and_makes_no_second_call(
    openai_harness: Harness, responses_double: ResponsesDouble
) -> None:
    event = windows_ready()
    first = await openai_harness.handle(event)
    calls = responses_double.call_count
    responses_double.script(Script(default=Behaviour(kind="out_of_range")))  # would change every score

    again = await openai_harness.handle(event.model_copy(update={"event_id": uuid.uuid4()}))

    assert responses_double.call_count == calls
    assert again.model_dump(exclude={"occurred_at"}) == first.model_dump(exclude={"occurred_at"})


async def test_a_failed_window_is_recorded_and_the_rest_of_the_batch_goes_on(
    openai_harness: Harness, responses_double: ResponsesDouble
) -> None:
    failing = WINDOWS[1].window_id
    responses_double.script(Script(by_window={failing: Behaviour(kind="refusal")}))

    published = await openai_harness.handle(windows_ready())

    assert isinstance(published, ClipsScored)
    assert published.windows_failed == 1
    assert published.window_errors == (
        f"{failing}: OpenAI refused to answer: I'm sorry, but I can't help with that request. (2 attempts)",
    )
    assert {clip.window_id for clip in published.clips} == {WINDOWS[0].window_id, WINDOWS[2].window_id}


async def test_when_every_window_fails_the_batch_fails_and_the_worker_then_scores_a_healthy_batch(
    openai_harness: Harness, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(default=Behaviour(kind="rate_limit", retry_after_sec=None)))

    failed = await openai_harness.handle(windows_ready())
    responses_double.script(None)
    healthy = await openai_harness.handle(windows_ready())

    assert isinstance(failed, BatchFailed)
    assert failed.stage == "scoring"
    assert failed.error_message == (
        "Scoring failed for all 3 windows: OpenAI rate limit: retries exhausted after 5 attempts. "
        "Retry the batch later."
    )
    assert "sk-test-key" not in failed.error_message
    assert isinstance(healthy, ClipsScored)
    assert healthy.clips


async def test_after_a_systemic_failure_the_calls_not_yet_started_are_not_made(
    responses_double: ResponsesDouble,
) -> None:
    responses_double.script(Script(default=Behaviour(kind="server_error", status_code=503)))
    client = make_openai_client(api_key="k", base_url=responses_double.base_url, timeout_sec=5.0)
    provider = OpenAIProvider(client, timeout_sec=5.0, retry=RetryPolicy(max_attempts=3), sleep=no_sleep)
    harness = Harness(provider)
    harness.scorer = BatchScorer(
        provider, harness.repository, strategy=ScoringStrategy.PER_WINDOW, concurrency=1
    )

    failed = await harness.handle(windows_ready())
    await provider.close()

    assert responses_double.call_count == 3, "one window's attempts, then nothing"
    assert isinstance(failed, BatchFailed)
    assert failed.error_message == (
        "Scoring failed for all 3 windows: OpenAI server error (HTTP 503): "
        "retries exhausted after 3 attempts. Retry the batch later."
    )
    skipped = [e for e in harness.repository.exchanges.values() if e.error_kind == "skipped"]
    assert len(skipped) == 2
    assert all(
        e.error and e.error.startswith("not attempted after another call failed: OpenAI") for e in skipped
    )


async def test_a_hanging_llm_fails_the_batch_with_a_timeout_message(
    responses_double: ResponsesDouble,
) -> None:
    responses_double.script(Script(default=Behaviour(kind="hang", hang_sec=30)))
    client = make_openai_client(api_key="k", base_url=responses_double.base_url, timeout_sec=0.3)
    provider = OpenAIProvider(client, timeout_sec=0.3, retry=RetryPolicy(max_attempts=2), sleep=no_sleep)
    harness = Harness(provider)

    failed = await harness.handle(windows_ready(WINDOWS[:1]))
    await provider.close()

    assert isinstance(failed, BatchFailed)
    assert failed.error_message == (
        "Scoring failed for the only window: OpenAI request timed out after 0.3 s: "
        "retries exhausted after 2 attempts. Retry the batch later."
    )


async def test_a_batch_outlasting_its_scoring_deadline_goes_on_without_its_slow_windows(
    responses_double: ResponsesDouble,
) -> None:
    slow = WINDOWS[2].window_id
    responses_double.script(Script(by_window={slow: Behaviour(latency_sec=20)}))
    client = make_openai_client(api_key="k", base_url=responses_double.base_url, timeout_sec=30)
    provider = OpenAIProvider(client, timeout_sec=30, retry=RetryPolicy(max_attempts=1), sleep=no_sleep)
    harness = Harness(provider, deadline_sec=1.5)
    event = windows_ready()

    started = time.monotonic()
    published = await harness.handle(event)
    took = time.monotonic() - started
    await provider.close()

    assert took < 5, "the batch's scoring ended at its deadline, not when the slow call would"
    assert isinstance(published, ClipsScored)
    assert published.windows_failed == 1
    assert published.window_errors == (
        f"{slow}: not scored within the batch's scoring deadline of 2 s "
        "(VIRALCLIP_SCORING_BATCH_DEADLINE_SEC)",
    )
    assert {clip.window_id for clip in published.clips} == {WINDOWS[0].window_id, WINDOWS[1].window_id}
    stored = {e.call_key for e in harness.repository.exchanges.values()}
    assert slow not in stored, "a call cut by the deadline is not stored, so a re-drive may try it again"


async def test_out_of_range_scores_are_clamped_to_the_scale(
    openai_harness: Harness, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(default=Behaviour(kind="out_of_range")))

    published = await openai_harness.handle(windows_ready())

    assert isinstance(published, ClipsScored)
    assert [clip.viral_score for clip in published.clips] == [10.0] * len(WINDOWS)  # the double said 12.5


async def test_clips_outside_their_windows_leave_nothing_to_publish_but_a_clear_failure(
    openai_harness: Harness, responses_double: ResponsesDouble
) -> None:
    responses_double.script(Script(default=Behaviour(kind="outside_window")))

    failed = await openai_harness.handle(windows_ready())

    assert isinstance(failed, BatchFailed)
    assert failed.error_message.startswith("Scoring produced no usable clips from 3 windows: all 3 proposed")
    assert "overlap none of the windows" in failed.error_message
    assert openai_harness.repository.clips == {}


async def test_a_global_batch_makes_one_call_covering_every_window(responses_double: ResponsesDouble) -> None:
    client = make_openai_client(api_key="k", base_url=responses_double.base_url, timeout_sec=5.0)
    provider = OpenAIProvider(client, timeout_sec=5.0)
    harness = Harness(provider, strategy=ScoringStrategy.PER_WINDOW)

    published = await harness.handle(windows_ready(scoring_strategy="global"))
    await provider.close()

    assert isinstance(published, ClipsScored)
    (call,) = responses_double.calls
    assert call.window_ids == [window.window_id for window in WINDOWS]
    assert len(published.clips) == len(WINDOWS)


async def test_a_stale_job_is_ignored_without_any_call(
    openai_harness: Harness, responses_double: ResponsesDouble
) -> None:
    event = windows_ready()
    openai_harness.repository.current_jobs[event.batch_id] = "j-newer"

    await handle_windows_ready(
        event,
        repository=openai_harness.repository,
        scorer=openai_harness.scorer,
        publish=openai_harness.publish,
    )

    assert openai_harness.published == []
    assert responses_double.call_count == 0


async def test_an_empty_window_list_fails_the_batch_with_a_hint() -> None:
    harness = Harness(HeuristicProvider())

    failed = await harness.handle(windows_ready(windows=()))

    assert isinstance(failed, BatchFailed)
    assert "no windows to score" in failed.error_message


async def test_the_offline_provider_scores_the_sample_podcast_into_at_least_five_clips() -> None:
    harness = Harness(HeuristicProvider(), strategy=ScoringStrategy.AUTO)
    windows = sample_windows(window_sec=75.0, max_duration_sec=1800.0)

    published = await harness.handle(windows_ready(windows))

    assert isinstance(published, ClipsScored)
    assert len(published.clips) >= 5
    assert published.scored_by == "heuristic:viralclip-heuristic-v1"
    assert all(0 <= clip.viral_score <= 10 for clip in published.clips)


class FlakyStore(InMemoryRepository):
    """The database goes away for the first `failures` reads and writes of each answer."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.faults: dict[str, int] = {}

    def _fault(self, key: str) -> None:
        self.faults[key] = self.faults.get(key, 0) + 1
        if self.faults[key] <= self.failures:
            raise AutoReconnect("connection closed")

    async def find_exchange(self, exchange_id: str) -> Exchange | None:
        self._fault(f"find {exchange_id}")
        return await super().find_exchange(exchange_id)

    async def save_exchange(self, exchange: Exchange) -> Exchange:
        self._fault(f"save {exchange.exchange_id}")
        return await super().save_exchange(exchange)


QUICK_RETRY = RetryPolicy(max_attempts=4, base_delay_sec=0.001, max_delay_sec=0.01)


async def test_a_database_blip_keeps_the_answers_in_hand_and_asks_the_llm_once_per_window(
    responses_double: ResponsesDouble,
) -> None:
    client = make_openai_client(
        api_key="sk-test-key-123456", base_url=responses_double.base_url, timeout_sec=5.0
    )
    provider = OpenAIProvider(client, timeout_sec=5.0, retry=RetryPolicy(max_attempts=2), sleep=no_sleep)
    store = FlakyStore(failures=2)
    scorer = BatchScorer(
        provider, store, strategy=ScoringStrategy.PER_WINDOW, concurrency=2, store_retry=QUICK_RETRY
    )
    calls_before = responses_double.call_count
    try:
        outcome = await scorer.score(windows_ready(), VideoBrief("The Value of the Moon", "Why go back."))
    finally:
        await provider.close()

    assert outcome.failure is None
    assert len(outcome.clips) == len(WINDOWS)
    assert responses_double.call_count - calls_before == len(WINDOWS), "an answer was asked for twice"
    assert len(store.exchanges) == len(WINDOWS)
    assert sorted(set(store.faults.values())) == [3], "each read and write failed twice, then succeeded"


async def test_a_database_away_past_the_retries_raises_its_own_transient_fault() -> None:
    store = FlakyStore(failures=10)
    scorer = BatchScorer(HeuristicProvider(), store, store_retry=QUICK_RETRY)

    with pytest.raises(AutoReconnect):
        await scorer.score(windows_ready(), VideoBrief("The Value of the Moon", "Why go back."))
