"""One running system for every fault test (services as processes on their own embedded stack), the
Responses API double the scorer calls, a stand-in ffmpeg that can be slowed, and a place for figures.

The scorer calls the LLM once per window (`per_window`, two calls at once), so a batch is in flight
long enough to be interrupted when the double answers slowly. Each test owns its videos and batches.
"""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Video
from viralclip_localstack.client import ViralclipClient
from viralclip_localstack.sample.bundled import sample_video
from viralclip_testkit.media import write_timestamp_video
from viralclip_testkit.responses_double import ResponsesDouble
from viralclip_testkit.system import RunningSystem, running_system

from .faultkit import FfmpegSwitch

DOUBLE_API_KEY = "faults-test-key-0123456789"
MEDIA_PATH = "videos/faults-timestamp.mp4"
MEDIA_SECONDS = 240
BATCH_CONFIG: dict[str, Any] = {"video_type": "podcast", "clip_length_preset": "30-60s"}
"""A 240-s sample cut this way gives 8 windows, so 8 LLM calls."""
FIGURE_PREFIX = "figure:"


@pytest.fixture(scope="package")
def responses_double() -> Iterator[ResponsesDouble]:
    with ResponsesDouble(vary_answers=True) as double:  # a window scored twice shows in the clips
        yield double


@pytest.fixture(scope="package")
def ffmpeg(tmp_path_factory: pytest.TempPathFactory) -> FfmpegSwitch:
    return FfmpegSwitch(tmp_path_factory.mktemp("ffmpeg"))


def system_env(double: ResponsesDouble, ffmpeg: FfmpegSwitch) -> dict[str, str]:
    """Scorer on the double, one call per window, one batch at a time; one ffmpeg at a time; failures
    end fast."""
    return {
        "OPENAI_API_KEY": DOUBLE_API_KEY,
        "VIRALCLIP_SCORING_PROVIDER": "openai",
        "VIRALCLIP_OPENAI_BASE_URL": double.base_url,
        "VIRALCLIP_SCORING_STRATEGY": "per_window",
        "VIRALCLIP_SCORING_CONCURRENCY": "2",
        # One consumer per scoring process (it opens four by default): two processes in one group
        # then split the three partitions, instead of all three possibly landing on one process.
        "VIRALCLIP_CONSUMER_WORKERS": "1",
        "VIRALCLIP_OPENAI_MAX_ATTEMPTS": "2",
        "VIRALCLIP_OPENAI_MAX_DELAY_SEC": "0.5",
        "VIRALCLIP_FFMPEG_PATH": str(ffmpeg.executable),
        "VIRALCLIP_THUMBNAIL_CONCURRENCY": "1",
        "VIRALCLIP_CONSUMER_SESSION_TIMEOUT_MS": "6000",
    }


@pytest.fixture(scope="package")
def system(
    tmp_path_factory: pytest.TempPathFactory, responses_double: ResponsesDouble, ffmpeg: FfmpegSwitch
) -> Iterator[RunningSystem]:
    workdir = tmp_path_factory.mktemp("faults")
    with running_system(workdir, env=system_env(responses_double, ffmpeg)) as running:
        write_timestamp_video(running.media_root / MEDIA_PATH, MEDIA_SECONDS, fps=1)
        yield running


@pytest.fixture(autouse=True)
def calm(responses_double: ResponsesDouble, ffmpeg: FfmpegSwitch) -> Iterator[None]:
    """Every test starts and ends with prompt, plausible LLM answers and a prompt ffmpeg."""
    responses_double.script(None)
    ffmpeg.fast()
    yield
    responses_double.script(None)
    ffmpeg.fast()


@pytest.fixture(scope="package")
async def db(system: RunningSystem) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    """The services' database (read-only use: the tests check what the services stored)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        system.stack.mongodb_uri, tz_aware=True, serverSelectionTimeoutMS=5_000
    )
    yield client["viralclip"]
    await client.close()


@pytest.fixture
async def api(system: RunningSystem) -> AsyncIterator[ViralclipClient]:
    async with ViralclipClient(system.api_url) as client:
        yield client


@pytest.fixture
def new_video(api: ViralclipClient) -> Callable[..., Awaitable[Video]]:
    """Register the sample's transcript (its first `seconds`) under a new id, on the shared timestamp
    video file and with that file's duration (a registration's duration must be its file's)."""

    async def register(seconds: float = MEDIA_SECONDS) -> Video:
        video = sample_video(
            seconds, video_id=f"v-faults-{uuid.uuid4().hex[:10]}", media_path=MEDIA_PATH
        ).model_copy(update={"duration_sec": float(MEDIA_SECONDS)})
        await api.register_video(video)
        return video

    return register


@pytest.fixture
def figure(record_property: Callable[[str, object], None]) -> Callable[[str, object], None]:
    """Record a measured figure; the terminal summary lists them (quoted in docs/RELIABILITY.md)."""

    def record(name: str, value: object) -> None:
        shown = round(value, 1) if isinstance(value, float) else value
        record_property(f"{FIGURE_PREFIX}{name}", shown)

    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = [
        f"{report.nodeid.rsplit('::', 1)[-1]}: {key.removeprefix(FIGURE_PREFIX)} = {value}"
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        for key, value in getattr(report, "user_properties", ())
        if key.startswith(FIGURE_PREFIX)
    ]
    if lines:
        terminalreporter.write_sep("-", "fault figures")
        for line in lines:
            terminalreporter.write_line(line)
