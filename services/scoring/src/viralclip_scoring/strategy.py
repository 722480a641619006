"""Choosing between one global LLM call and one call per window (pure).

`auto` picks **global** when the windows' transcript is at most 24,000 characters (about 6,000 tokens,
roughly 25 minutes of speech) and there are at most 24 windows; otherwise **per-window**. A short video
fits one call, which can compose clips across windows and costs one round trip; a long one would dilute
the model's attention over a huge prompt, while per-window calls run concurrently and fail one by one.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from viralclip_contracts import ScoringStrategy, Window

GLOBAL_MAX_TRANSCRIPT_CHARS = 24_000
GLOBAL_MAX_WINDOWS = 24
GLOBAL_CALL_KEY = "global"


@dataclass(frozen=True)
class CallPlan:
    """One LLM call: its key (the window id, or `global`) and the windows it covers."""

    key: str
    windows: tuple[Window, ...]

    @property
    def is_global(self) -> bool:
        return self.key == GLOBAL_CALL_KEY


def transcript_chars(windows: Sequence[Window]) -> int:
    """Characters of transcript text over all windows."""
    return sum(len(segment.text) for window in windows for segment in window.transcript)


def resolve_strategy(
    deployment: ScoringStrategy, override: ScoringStrategy | None, windows: Sequence[Window]
) -> ScoringStrategy:
    """The strategy for one batch: the batch's override, else the deployment's; `auto` resolved."""
    chosen = override or deployment
    if chosen is not ScoringStrategy.AUTO:
        return chosen
    small = transcript_chars(windows) <= GLOBAL_MAX_TRANSCRIPT_CHARS and len(windows) <= GLOBAL_MAX_WINDOWS
    return ScoringStrategy.GLOBAL if small else ScoringStrategy.PER_WINDOW


def plan_calls(strategy: ScoringStrategy, windows: Sequence[Window]) -> tuple[CallPlan, ...]:
    """The calls a resolved strategy makes: one for all windows, or one per window."""
    if strategy is ScoringStrategy.GLOBAL:
        return (CallPlan(key=GLOBAL_CALL_KEY, windows=tuple(windows)),)
    if strategy is ScoringStrategy.PER_WINDOW:
        return tuple(CallPlan(key=window.window_id, windows=(window,)) for window in windows)
    raise ValueError(f"scoring_strategy: {strategy.value!r} must be resolved before planning calls")
