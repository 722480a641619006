"""The provider port (what proposes clips for one call) and the offline provider behind it."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from viralclip_contracts import ClipBatchConfig, Window

from .heuristic import score_windows
from .heuristic_lexicon import DEFAULT_TREND_LEXICON
from .llm_schema import LlmClipList
from .prompt import LlmPrompt

HEURISTIC_MODEL = "viralclip-heuristic-v1"


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
    """The offline provider: the deterministic transcript scorer, run off the event loop."""

    def __init__(self, lexicon: Mapping[str, frozenset[str]] = DEFAULT_TREND_LEXICON) -> None:
        self._lexicon = lexicon

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
        answer = await asyncio.to_thread(score_windows, call.windows, call.config, lexicon=self._lexicon)
        return ProviderAnswer(
            answer=answer,
            raw_response=answer.model_dump_json(),
            model=HEURISTIC_MODEL,
            latency_ms=round((loop.time() - started) * 1000, 1),
        )

    async def close(self) -> None:
        """Nothing to release."""
