"""The whole system as separate processes on its own embedded stack, with the scorer pointed at the
Responses API test double (served by this test process). Tests talk to it only over REST and Kafka."""

from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from viralclip_contracts import Video
from viralclip_localstack.client import ViralclipClient
from viralclip_localstack.sample import write_sample
from viralclip_testkit.responses_double import ResponsesDouble
from viralclip_testkit.system import RunningSystem, running_system

SAMPLE_MINUTES = 6.0
DOUBLE_API_KEY = "e2e-test-key"


def scorer_env(base_url: str) -> dict[str, str]:
    """Settings that point the scoring service at the double, with short retries so failures end fast."""
    return {
        "VIRALCLIP_SCORING_PROVIDER": "openai",
        "OPENAI_API_KEY": DOUBLE_API_KEY,
        "VIRALCLIP_OPENAI_BASE_URL": base_url,
        "VIRALCLIP_OPENAI_MAX_ATTEMPTS": "2",
        "VIRALCLIP_OPENAI_MAX_DELAY_SEC": "0.2",
    }


@pytest.fixture(scope="session")
def responses_double() -> Iterator[ResponsesDouble]:
    with ResponsesDouble() as double:
        yield double


@pytest.fixture(autouse=True)
def plausible_answers(responses_double: ResponsesDouble) -> Iterator[None]:
    """Every test starts and ends with the double giving plausible answers."""
    responses_double.script(None)
    yield
    responses_double.script(None)


@pytest.fixture(scope="session")
def system(
    tmp_path_factory: pytest.TempPathFactory, responses_double: ResponsesDouble
) -> Iterator[RunningSystem]:
    workdir = tmp_path_factory.mktemp("e2e")
    with running_system(workdir, env=scorer_env(responses_double.base_url)) as running:
        yield running


@pytest.fixture(scope="session")
async def sample_media(system: RunningSystem) -> Video:
    """The sample podcast rendered once into the system's media root (5 fps keeps it quick)."""
    files = await write_sample(system.media_root, minutes=SAMPLE_MINUTES, fps=5)
    return files.video


@pytest.fixture
async def api(system: RunningSystem) -> AsyncIterator[ViralclipClient]:
    async with ViralclipClient(system.api_url) as client:
        yield client


@pytest.fixture
async def video(api: ViralclipClient, sample_media: Video, unique_id: Callable[[str], str]) -> Video:
    """The sample registered under an id of this test's own."""
    own = sample_media.model_copy(update={"video_id": unique_id("v-e2e")})
    await api.register_video(own)
    return own
