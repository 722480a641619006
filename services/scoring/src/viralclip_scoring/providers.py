"""The provider port (what proposes clips for one call) and the offline provider behind it."""

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from viralclip_contracts import ClipBatchConfig, Window

from .heuristic import score_windows
from .language import load_profile
from .llm_schema import LlmClipList
from .prompt import LlmPrompt

HEURISTIC_MODEL = "viralclip-heuristic-v1"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoringCall:
    """Everything one call needs: its key, the windows it covers, the batch settings and the prompt."""

    key: str
    windows: tuple[Window, ...]
    config: ClipBatchConfig
    language: str
    prompt: LlmPrompt


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int
    output_tokens: int
    total_tokens: int


@dataclass(frozen=True)
class ProviderAnswer:
    """A parsed answer and what `clip_llm_contexts` records about the exchange."""

    answer: LlmClipList
    raw_response: str
    model: str
    latency_ms: float
    attempts: int = 1
    usage: TokenUsage | None = None


class ProviderFailure(Exception):
    """A call that gave up; `message` is fit for the creator and never holds a secret."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        attempts: int,
        latency_ms: float = 0.0,
        raw_response: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.attempts = attempts
        self.latency_ms = latency_ms
        self.raw_response = raw_response


class ClipProvider(Protocol):
    """Proposes clips for one call; raises `ProviderFailure` when it gives up."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    async def propose(self, call: ScoringCall) -> ProviderAnswer: ...

    async def close(self) -> None:
        """Release the provider's connections."""


class HeuristicProvider:
    """The offline provider: the deterministic transcript scorer, run off the event loop.

    `extra_trend` ({video_type: words}) extends every language's trend lexicon. A language without a
    data file is scored on language-neutral features; that is logged once per language."""

    def __init__(self, extra_trend: Mapping[str, frozenset[str]] | None = None) -> None:
        self._extra_trend = dict(extra_trend or {})
        self._reported: set[str] = set()

    @property
    def name(self) -> str:
        return "heuristic"

    @property
    def model(self) -> str:
        return HEURISTIC_MODEL

    async def propose(self, call: ScoringCall) -> ProviderAnswer:
        """The best clip per window of `call`, as an LLM-shaped answer."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        profile = load_profile(call.language)
        if not profile.has_file and profile.code not in self._reported:
            self._reported.add(profile.code)
            logger.warning(
                "the offline scorer has no word lists for language %r: scoring on language-neutral "
                "features (punctuation, numbers, names, pace); add languages/%s.toml to change that",
                call.language,
                profile.code,
                extra={"language": call.language},
            )
        answer = await asyncio.to_thread(
            score_windows, call.windows, call.config, profile=profile, extra_trend=self._extra_trend
        )
        return ProviderAnswer(
            answer=answer,
            raw_response=answer.model_dump_json(),
            model=HEURISTIC_MODEL,
            latency_ms=round((loop.time() - started) * 1000, 1),
        )

    async def close(self) -> None:
        """Nothing to release."""
