"""Choosing how a batch's windows are sent to the LLM, and the calls that makes (pure).

- **chunked** (what `auto` picks): the transcript in consecutive, non-overlapping chunks of about
  `VIRALCLIP_SCORING_CHUNK_SEC` (15 min) cut at sentence ends, each line sent once, the windows given as
  ranges over the chunk's lines; one call per chunk, all concurrent. A short video is one chunk, i.e. one
  call that can compare every moment; a long one costs a handful of calls instead of one per window, and
  the model still compares the moments of a quarter of an hour.
- **global**: one call for all windows, each window's lines repeated under its header.
- **per_window**: one call per window.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from viralclip_contracts import ScoringStrategy, Window

from .chunks import DEFAULT_CHUNK_SEC, Chunk, plan_chunks

GLOBAL_CALL_KEY = "global"


@dataclass(frozen=True)
class CallPlan:
    """One LLM call: its key (window id, chunk key or `global`), the windows it covers and, for a
    chunk call, the chunk."""

    key: str
    windows: tuple[Window, ...]
    chunk: Chunk | None = None

    @property
    def is_global(self) -> bool:
        return self.key == GLOBAL_CALL_KEY


def transcript_chars(windows: Sequence[Window]) -> int:
    """Characters of transcript text over all windows."""
    return sum(len(segment.text) for window in windows for segment in window.transcript)


def resolve_strategy(
    deployment: ScoringStrategy, override: ScoringStrategy | None, windows: Sequence[Window]
) -> ScoringStrategy:
    """The strategy for one batch: the batch's override, else the deployment's; `auto` is chunked."""
    chosen = override or deployment
    return ScoringStrategy.CHUNKED if chosen is ScoringStrategy.AUTO else chosen


def plan_calls(
    strategy: ScoringStrategy, windows: Sequence[Window], *, chunk_sec: float = DEFAULT_CHUNK_SEC
) -> tuple[CallPlan, ...]:
    """The calls a resolved strategy makes: one for all windows, one per window, or one per chunk."""
    if strategy is ScoringStrategy.GLOBAL:
        return (CallPlan(key=GLOBAL_CALL_KEY, windows=tuple(windows)),)
    if strategy is ScoringStrategy.PER_WINDOW:
        return tuple(CallPlan(key=window.window_id, windows=(window,)) for window in windows)
    if strategy is ScoringStrategy.CHUNKED:
        return tuple(
            CallPlan(key=chunk.key, windows=chunk.windows, chunk=chunk)
            for chunk in plan_chunks(windows, span_sec=chunk_sec)
            if chunk.windows
        )
    raise ValueError(f"scoring_strategy: {strategy.value!r} must be resolved before planning calls")
