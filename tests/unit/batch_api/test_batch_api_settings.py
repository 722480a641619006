"""batch-api settings: read from the environment, refusing weak secrets."""

import pytest
from pydantic import ValidationError

from viralclip_batch_api.settings import BatchApiSettings


def test_token_origins_and_secret_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRALCLIP_API_TOKEN", "a" * 24)
    monkeypatch.setenv("VIRALCLIP_CORS_ORIGINS", "http://a.example, http://b.example")
    monkeypatch.setenv("VIRALCLIP_WEBHOOK_SECRET", "s" * 32)

    settings = BatchApiSettings.load()

    assert settings.api_token is not None
    assert settings.api_token.get_secret_value() == "a" * 24
    assert settings.cors_origins == ["http://a.example", "http://b.example"]
    assert "s" * 32 not in repr(settings)


def test_defaults_are_open_for_local_runs() -> None:
    settings = BatchApiSettings()

    assert (settings.api_token, settings.webhook_secret, settings.cors_origins) == (None, None, [])
    assert settings.topic("batch.created") == "batch.created"


@pytest.mark.parametrize("field", ["api_token", "webhook_secret"])
def test_short_secrets_are_refused(field: str) -> None:
    with pytest.raises(ValidationError, match="at least 16 characters"):
        BatchApiSettings(**{field: "short"})


@pytest.mark.parametrize("field", ["api_token", "webhook_secret"])
def test_a_refused_secret_is_not_repeated_in_the_error(field: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The start-up error lands in the logs: it names the setting, never its value."""
    monkeypatch.setenv(f"VIRALCLIP_{field.upper()}", "hunter2-prod")

    with pytest.raises(ValidationError) as refused:
        BatchApiSettings.load()

    assert field in str(refused.value)
    assert "hunter2-prod" not in str(refused.value)


def test_a_topic_suffix_renames_topics() -> None:
    # the consumer group follows the suffix too: tests/unit/runtime/test_runtime_topics.py
    settings = BatchApiSettings(topic_suffix=".t1")

    assert settings.topic("windows.ready") == "windows.ready.t1"
