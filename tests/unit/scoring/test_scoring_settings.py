"""Scoring settings: which provider is in effect, the key rule, the configurable trend lexicon."""

import json
import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from viralclip_scoring.app import build_provider
from viralclip_scoring.language import load_profile
from viralclip_scoring.openai_provider import OpenAIProvider
from viralclip_scoring.providers import HeuristicProvider
from viralclip_scoring.settings import ScoringSettings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "OPENAI_API_KEY",
        "VIRALCLIP_OPENAI_API_KEY",
        "VIRALCLIP_SCORING_PROVIDER",
        "OPENAI_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)


def test_without_a_key_the_offline_scorer_is_used_and_said_so(caplog: pytest.LogCaptureFixture) -> None:
    settings = ScoringSettings.load()

    with caplog.at_level(logging.WARNING):
        provider = build_provider(settings)

    assert settings.provider == "heuristic"
    assert isinstance(provider, HeuristicProvider)
    assert sum("heuristic transcript scorer" in r.getMessage() for r in caplog.records) == 1


async def test_a_key_from_the_environment_selects_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-123456")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    settings = ScoringSettings.load()

    provider = build_provider(settings)

    assert settings.provider == "openai"
    assert isinstance(provider, OpenAIProvider)
    assert "sk-from-env" not in repr(settings)
    await provider.close()


def test_a_blank_key_counts_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "  ")

    assert ScoringSettings.load().provider == "heuristic"


def test_choosing_openai_without_a_key_is_refused_with_the_setting_named() -> None:
    with pytest.raises(
        ValidationError, match="OPENAI_API_KEY: required when VIRALCLIP_SCORING_PROVIDER=openai"
    ):
        ScoringSettings(scoring_provider="openai")


def test_the_heuristic_can_be_forced_even_with_a_key() -> None:
    settings = ScoringSettings(scoring_provider="heuristic", openai_api_key="sk-x")

    assert settings.provider == "heuristic"


def test_the_trend_lexicon_file_extends_the_built_in_one_of_every_language(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps({"podcast": ["Artemis"], "vlog": ["daily"]}))

    extra = ScoringSettings(trend_lexicon_path=path).extra_trend_words()

    assert extra == {"podcast": frozenset({"artemis"}), "vlog": frozenset({"daily"})}
    for code in ("en", "id"):
        lexicon = load_profile(code).with_trend(extra)
        assert ("artemis",) in lexicon.trend_words("podcast")
        assert lexicon.trend_words("podcast") > load_profile(code).trend_words("podcast")
        assert lexicon.trend_words("vlog") >= {("daily",)}
    assert ScoringSettings().extra_trend_words() == {}


def test_a_malformed_lexicon_file_is_reported_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps({"podcast": "not a list"}))

    with pytest.raises(ValueError, match=r"trend_lexicon_path .*lexicon.json: expected"):
        ScoringSettings(trend_lexicon_path=path).extra_trend_words()
