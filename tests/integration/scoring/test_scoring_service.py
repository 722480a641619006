"""The scoring worker over the real Kafka and MongoDB protocols: windows.ready → clips.scored."""

import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import (
    BATCH_FAILED,
    CLIPS_SCORED,
    WINDOWS_READY,
    BatchFailed,
    Clip,
    ClipBatchConfig,
    ClipLengthPreset,
    ClipsScored,
    Grade,
    ScoringStrategy,
    Window,
    WindowsReady,
)
from viralclip_runtime import RetryPolicy, ensure_topics
from viralclip_scoring.app import ScoringWorker, build_worker
from viralclip_scoring.openai_provider import OpenAIProvider, make_openai_client
from viralclip_scoring.providers import ClipProvider, HeuristicProvider
from viralclip_scoring.settings import ScoringSettings
from viralclip_testkit.clip_contract import contract_violations
from viralclip_testkit.kafka_probe import TopicProbe, publish_event, topic_probe
from viralclip_testkit.responses_double import Behaviour, ResponsesDouble, Script
from viralclip_testkit.responses_sample import sample_windows
from viralclip_testkit.speech import boundary_faults

pytestmark = pytest.mark.integration

Document = dict[str, Any]
WINDOWS = sample_windows(window_sec=75.0, max_duration_sec=400.0)[:3]
CLIP_FIELDS = set(Clip.model_fields) - {"clip_id"} | {"job_id"}


@dataclass
class Service:
    worker: ScoringWorker
    probe: TopicProbe
    bootstrap: str

    def topic(self, name: str) -> str:
        """This worker's name of the contract topic `name`."""
        return self.worker.context.settings.topic(name)

    @property
    def db(self) -> AsyncDatabase[Document]:
        return self.worker.context.db

    async def register(self, windows: Sequence[Window] = WINDOWS, **config: object) -> WindowsReady:
        """Store the video and the batch as the earlier stages would; return their windows.ready."""
        batch_id, video_id, job_id = (f"{p}-{uuid.uuid4().hex[:10]}" for p in ("b", "v", "j"))
        await self.db["videos"].insert_one(
            {
                "_id": video_id,
                "title": "Houston We Have a Podcast: The Value of the Moon",
                "summary": "Why NASA goes back to the Moon to stay.",
                "media_path": "videos/moon.mp4",
                "duration_sec": 4200.0,
            }
        )
        await self.db["clip_batches"].insert_one({"_id": batch_id, "current_job_id": job_id})
        return WindowsReady(
            batch_id=batch_id,
            video_id=video_id,
            job_id=job_id,
            producer="windowing",
            config=ClipBatchConfig.model_validate({"video_type": "podcast", **config}),
            language="en",
            windows=tuple(windows),
        )

    async def clips_of(self, batch_id: str) -> list[Document]:
        return await self.db["clips"].find({"clip_batch_id": batch_id}).sort("_id").to_list(None)


@contextlib.asynccontextmanager
async def running(kafka_bootstrap: str, mongodb_uri: str, provider: ClipProvider) -> AsyncIterator[Service]:
    """A scoring worker on topics, a consumer group and a database of its own."""
    suffix = uuid.uuid4().hex[:8]
    settings = ScoringSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        mongodb_uri=mongodb_uri,
        mongodb_database=f"test_scoring_{suffix}",
        log_format="text",
        topic_partitions=2,
        scoring_concurrency=2,
        scoring_strategy=ScoringStrategy.PER_WINDOW,
        topic_suffix=f".{suffix}",
    )
    await ensure_topics(
        kafka_bootstrap,
        partitions=2,
        topics=tuple(settings.topic(name) for name in (WINDOWS_READY, CLIPS_SCORED, BATCH_FAILED)),
    )
    worker = build_worker(settings, provider=provider)
    async with topic_probe(
        kafka_bootstrap, [settings.topic(CLIPS_SCORED), settings.topic(BATCH_FAILED)]
    ) as probe:
        await worker.context.broker.start()
        try:
            yield Service(worker, probe, kafka_bootstrap)
        finally:
            await worker.context.broker.stop()
            await worker.context.mongo.drop_database(settings.mongodb_database)
            await worker.context.mongo.close()
            await provider.close()


@pytest.fixture(scope="module")
def responses() -> Iterator[ResponsesDouble]:
    with ResponsesDouble() as double:
        yield double


@pytest.fixture(scope="module")
async def llm_service(
    kafka_bootstrap: str, mongodb_uri: str, responses: ResponsesDouble
) -> AsyncIterator[Service]:
    client = make_openai_client(api_key="sk-integration-123456", base_url=responses.base_url, timeout_sec=5.0)
    fast_retries = RetryPolicy(max_attempts=5, base_delay_sec=0.01, max_delay_sec=0.05, jitter=0.5)
    provider = OpenAIProvider(client, timeout_sec=5.0, retry=fast_retries, secret="sk-integration-123456")
    async with running(kafka_bootstrap, mongodb_uri, provider) as service:
        yield service


@pytest.fixture
def double(responses: ResponsesDouble) -> ResponsesDouble:
    responses.script(None, reset_calls=True)
    return responses


async def test_windows_become_stored_clips_and_a_redelivery_changes_nothing(
    llm_service: Service, double: ResponsesDouble
) -> None:
    event = await llm_service.register()

    await publish_event(llm_service.bootstrap, llm_service.topic(WINDOWS_READY), event)
    (scored,) = await llm_service.probe.wait_for(llm_service.topic(CLIPS_SCORED), batch_id=event.batch_id)

    assert isinstance(scored, ClipsScored)
    assert double.call_count == len(WINDOWS)
    assert scored.windows_failed == 0
    stored = await llm_service.clips_of(event.batch_id)
    assert sorted(doc["_id"] for doc in stored) == sorted(clip.clip_id for clip in scored.clips)
    for doc in stored:
        assert doc["status"] == "candidate"
        assert doc["language"] == "en"
        assert doc["job_id"] == event.job_id
        assert doc["thumbnail_path"] is None
        assert doc.keys() >= CLIP_FIELDS
    contexts = await llm_service.db["clip_llm_contexts"].find({"batch_id": event.batch_id}).to_list(None)
    assert len(contexts) == len(WINDOWS)
    for context in contexts:
        assert context["prompt"]["input"].startswith("Video title: Houston We Have a Podcast")
        assert context["raw_response"]
        assert context["model"] == "gpt-6.2-astra"
        assert context["latency_ms"] > 0
        assert context["usage"]["total_tokens"] > 0
        assert context["error"] is None

    await publish_event(llm_service.bootstrap, llm_service.topic(WINDOWS_READY), event)  # same event id
    replay = event.model_copy(update={"event_id": uuid.uuid4()})  # the inbox cannot catch this one
    await publish_event(llm_service.bootstrap, llm_service.topic(WINDOWS_READY), replay)
    announced = await llm_service.probe.wait_for(
        llm_service.topic(CLIPS_SCORED), batch_id=event.batch_id, count=2
    )

    assert double.call_count == len(WINDOWS), "no second LLM call"
    assert {e.event_id for e in announced} == {scored.event_id}
    assert announced[-1].clips == scored.clips
    assert [doc["_id"] for doc in await llm_service.clips_of(event.batch_id)] == [
        doc["_id"] for doc in stored
    ]


async def test_when_every_call_fails_the_batch_fails_and_the_worker_goes_on(
    llm_service: Service, double: ResponsesDouble
) -> None:
    double.script(Script(default=Behaviour(kind="rate_limit", retry_after_sec=None)))
    doomed = await llm_service.register()

    await publish_event(llm_service.bootstrap, llm_service.topic(WINDOWS_READY), doomed)
    (failed,) = await llm_service.probe.wait_for(llm_service.topic(BATCH_FAILED), batch_id=doomed.batch_id)

    assert isinstance(failed, BatchFailed)
    assert failed.stage == "scoring"
    assert failed.error_message == (
        "Scoring failed for all 3 windows: OpenAI rate limit: retries exhausted after 5 attempts. "
        "Retry the batch later."
    )
    assert "sk-integration" not in failed.error_message
    assert await llm_service.clips_of(doomed.batch_id) == []
    contexts = await llm_service.db["clip_llm_contexts"].find({"batch_id": doomed.batch_id}).to_list(None)
    attempted = {c["error"] for c in contexts if c["error_kind"] != "skipped"}
    assert len(contexts) == len(WINDOWS)
    assert attempted == {"OpenAI rate limit: retries exhausted after 5 attempts"}

    double.script(None)
    healthy = await llm_service.register()
    await publish_event(llm_service.bootstrap, llm_service.topic(WINDOWS_READY), healthy)
    (scored,) = await llm_service.probe.wait_for(llm_service.topic(CLIPS_SCORED), batch_id=healthy.batch_id)

    assert len(scored.clips) == len(WINDOWS)
    assert len(await llm_service.clips_of(healthy.batch_id)) == len(WINDOWS)


async def test_a_partial_failure_is_reported_on_the_event_and_the_batch_continues(
    llm_service: Service, double: ResponsesDouble
) -> None:
    double.script(Script(by_window={WINDOWS[0].window_id: Behaviour(kind="malformed_json")}))
    event = await llm_service.register()

    await publish_event(llm_service.bootstrap, llm_service.topic(WINDOWS_READY), event)
    (scored,) = await llm_service.probe.wait_for(llm_service.topic(CLIPS_SCORED), batch_id=event.batch_id)

    assert scored.windows_failed == 1
    assert scored.window_errors == (
        f"{WINDOWS[0].window_id}: OpenAI answer did not match the clip schema (2 attempts)",
    )
    assert len(await llm_service.clips_of(event.batch_id)) == len(WINDOWS) - 1


async def test_the_offline_scorer_turns_the_sample_podcast_into_at_least_five_sane_clips(
    kafka_bootstrap: str, mongodb_uri: str
) -> None:
    windows = sample_windows(window_sec=75.0, max_duration_sec=1800.0)
    async with running(kafka_bootstrap, mongodb_uri, HeuristicProvider()) as service:
        event = await service.register(windows, clip_length_preset="30-60s")

        await publish_event(service.bootstrap, service.topic(WINDOWS_READY), event)
        (scored,) = await service.probe.wait_for(
            service.topic(CLIPS_SCORED), batch_id=event.batch_id, timeout=90
        )
        stored = await service.clips_of(event.batch_id)

    assert scored.scored_by == "heuristic:viralclip-heuristic-v1"
    assert len(stored) >= 5
    letters = {grade.value for grade in Grade}
    for doc in stored:
        assert 0 <= doc["viral_score"] <= 10
        assert {doc["grade_hook"], doc["grade_flow"], doc["grade_value"], doc["grade_trend"]} <= letters
        assert 24 <= doc["duration_sec"] <= 72
        assert doc["title"]
        assert 3 <= len(doc["hashtags"]) <= 5
    assert len({doc["viral_score"] for doc in stored}) > 1
    transcript = {segment for window in windows for segment in window.transcript}
    ranges = [(doc["start_time_sec"], doc["end_time_sec"]) for doc in stored]
    assert boundary_faults(ranges, sorted(transcript, key=lambda s: s.start_sec)) == []


async def test_a_careless_llm_answer_is_repaired_into_clips_that_keep_the_contract(
    llm_service: Service, double: ResponsesDouble
) -> None:
    double.script(Script(default=Behaviour(kind="messy")))
    preset = ClipLengthPreset.FROM_30_TO_60S
    timeframe = (WINDOWS[0].start_sec + 5.0, WINDOWS[-1].end_sec - 5.0)
    event = await llm_service.register(
        clip_length_preset=preset.value,
        processing_timeframe={"start_sec": timeframe[0], "end_sec": timeframe[1]},
    )

    await publish_event(llm_service.bootstrap, llm_service.topic(WINDOWS_READY), event)
    (scored,) = await llm_service.probe.wait_for(llm_service.topic(CLIPS_SCORED), batch_id=event.batch_id)

    assert double.call_count == len(WINDOWS)
    assert {call.kind for call in double.calls} == {"messy"}
    proposed = sum(
        len(json.loads(_answer_text(c["raw_response"]))["clips"]) for c in await _contexts(llm_service, event)
    )
    assert scored.clips
    assert len(scored.clips) < proposed, "every careless clip survived repair"
    transcript = [segment for window in WINDOWS for segment in window.transcript]
    clips = [clip.model_dump(mode="json") for clip in scored.clips]
    assert contract_violations(clips, transcript, preset=preset, timeframe=timeframe) == []
    assert scored.windows_failed == 0


async def _contexts(service: Service, event: WindowsReady) -> list[Document]:
    return await service.db["clip_llm_contexts"].find({"batch_id": event.batch_id}).to_list(None)


def _answer_text(raw_response: str) -> str:
    return str(json.loads(raw_response)["output"][0]["content"][0]["text"])
