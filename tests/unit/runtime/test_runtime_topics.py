"""Topic names and consumer groups: one suffix renames both, so runs sharing a broker stay apart."""

from unittest.mock import sentinel

import pytest

from viralclip_runtime import ServiceSettings, WorkerContext

SERVICES = ("batch-api", "windowing", "scoring", "thumbnail")


def context_of(service: str, settings: ServiceSettings) -> WorkerContext:
    """A context whose clients are placeholders: only its service name and settings matter here."""
    return WorkerContext(
        service=service,
        settings=settings,
        broker=sentinel.broker,
        mongo=sentinel.mongo,
        db=sentinel.db,
        registry=sentinel.registry,
        tracing=sentinel.tracing,
        inbox=sentinel.inbox,
        retry=sentinel.retry,
        dead_letters=sentinel.dead_letters,
    )


@pytest.mark.parametrize("service", SERVICES)
def test_without_a_suffix_topics_are_the_contract_names_and_the_group_is_the_service(service: str) -> None:
    settings = ServiceSettings()

    assert settings.topic("batch.created") == "batch.created"
    assert context_of(service, settings).group == f"viralclip-{service}"


@pytest.mark.parametrize("service", SERVICES)
def test_a_suffix_from_the_environment_renames_topics_and_the_group(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIRALCLIP_TOPIC_SUFFIX", ".t1")
    settings = ServiceSettings.load()

    assert (settings.topic("windows.ready"), context_of(service, settings).group) == (
        "windows.ready.t1",
        f"viralclip-{service}.t1",
    )
