"""Settings of the scoring service (environment variables `VIRALCLIP_*`, plus `OPENAI_API_KEY`)."""

import json
import math
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator

from viralclip_contracts import ScoringStrategy
from viralclip_runtime import ServiceSettings, env_alias

from .chunks import DEFAULT_CHUNK_SEC
from .openai_provider import DEFAULT_MODEL


class ScoringSettings(ServiceSettings):
    """Which provider proposes clips, how the LLM is reached, and how calls are spread."""

    scoring_provider: Literal["auto", "openai", "heuristic"] = Field(
        default="auto",
        description="auto: OpenAI when OPENAI_API_KEY is set, else the offline heuristic scorer.",
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=env_alias("OPENAI_API_KEY"), description="Never logged."
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=env_alias("OPENAI_BASE_URL"),
        description="Any OpenAI-compatible server; default: the SDK's (api.openai.com).",
    )
    openai_model: str = Field(default=DEFAULT_MODEL, description="Model given to the Responses API.")
    openai_timeout_sec: float = Field(default=60.0, gt=0, le=600, description="Deadline of one call.")
    openai_max_attempts: int = Field(
        default=5, ge=1, le=10, description="Attempts lost to 429/5xx/timeouts before a window fails."
    )
    openai_max_delay_sec: float = Field(default=30.0, gt=0, le=120, description="Backoff ceiling.")
    consumer_workers: int = Field(
        default=4,
        ge=1,
        le=32,
        description="Batches scored at once (they share the LLM call limit); one consumer each.",
    )
    scoring_concurrency: int = Field(default=4, ge=1, le=64, description="LLM calls at once.")
    scoring_strategy: ScoringStrategy = Field(
        default=ScoringStrategy.AUTO,
        description="chunked, global or per_window; auto is chunked.",
    )
    scoring_chunk_sec: float = Field(
        default=DEFAULT_CHUNK_SEC,
        ge=480,
        le=900,
        description="Span of one chunk of the chunked strategy, in seconds (8 to 15 minutes).",
    )
    scoring_batch_deadline_sec: float | None = Field(
        default=None,
        gt=0,
        description="Time a batch's LLM calls may take in all; calls still running then count as failed "
        "windows. Default: calls ÷ concurrency × the call timeout, plus 60 s (inside batch-api's deadline).",
    )
    trend_lexicon_path: Path | None = Field(
        default=None,
        description="JSON {video_type: [words]} added to the offline scorer's trend lexicon (all languages).",
    )

    @field_validator("openai_api_key", "openai_base_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _key_when_openai_is_chosen(self) -> Self:
        if self.scoring_provider == "openai" and self.openai_api_key is None:
            raise ValueError(
                "OPENAI_API_KEY: required when VIRALCLIP_SCORING_PROVIDER=openai "
                "(unset the provider to fall back to the offline scorer)"
            )
        return self

    def batch_deadline_sec(self, calls: int) -> float:
        """How long a batch of `calls` LLM calls may take (see `scoring_batch_deadline_sec`)."""
        if self.scoring_batch_deadline_sec is not None:
            return self.scoring_batch_deadline_sec
        rounds = math.ceil(max(1, calls) / self.scoring_concurrency)
        return rounds * self.openai_timeout_sec + 60.0

    @property
    def provider(self) -> Literal["openai", "heuristic"]:
        """The provider in effect: `auto` becomes openai with a key, else heuristic."""
        if self.scoring_provider == "auto":
            return "openai" if self.openai_api_key is not None else "heuristic"
        return self.scoring_provider

    def extra_trend_words(self) -> dict[str, frozenset[str]]:
        """The lower-cased words of `trend_lexicon_path` per video type (none when unset); the offline
        scorer adds them to the trend lexicon of every language."""
        if self.trend_lexicon_path is None:
            return {}
        try:
            extra = json.loads(self.trend_lexicon_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"trend_lexicon_path {self.trend_lexicon_path}: {error}") from None
        if not isinstance(extra, dict) or not all(
            isinstance(words, list) and all(isinstance(word, str) for word in words)
            for words in extra.values()
        ):
            raise ValueError(
                f"trend_lexicon_path {self.trend_lexicon_path}: expected {{video_type: [words]}}"
            )
        return {str(kind): frozenset(word.lower() for word in words) for kind, words in extra.items()}
