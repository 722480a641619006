"""Scoring one batch: plan the calls, reuse stored exchanges, call the provider, repair and rank.

Calls run concurrently under a process-wide bound, and all of a batch's calls end by its scoring deadline
(calls still running then count as failed windows, so one slow LLM never holds a consumer past its poll
interval nor the batch past its deadline in batch-api); once one fails systemically (rate limit, 5xx,
timeout, connection, rejected request) the batch's calls not yet started are recorded as not attempted.
Every exchange is stored under `<batch_id>:<job_id>:<call key>` before the batch moves on, so a
re-delivered `windows.ready` of the same job reuses each stored answer (or failure) and makes no second
LLM call: a retry never yields a different or duplicate set of clips. A new job asks afresh.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from viralclip_contracts import Clip, ScoringStrategy, WindowsReady
from viralclip_runtime import RetriesExhausted, RetryPolicy

from .chunks import DEFAULT_CHUNK_SEC
from .llm_schema import LlmClipList
from .prompt import LlmPrompt, VideoBrief, build_chunk_prompt, build_prompt
from .providers import ClipProvider, ProviderAnswer, ProviderFailure, ScoringCall, TokenUsage
from .strategy import CallPlan, plan_calls, resolve_strategy
from .validate import Candidate, ClipLimits, Rejection, rank_clips, repair_answer

logger = logging.getLogger(__name__)
T = TypeVar("T")

SYSTEMIC_FAILURES = frozenset({"rate_limit", "server_error", "timeout", "connection", "rejected"})
SKIPPED = "skipped"
DEADLINE = "deadline"


@dataclass(frozen=True)
class Exchange:
    """One provider exchange as `clip_llm_contexts` keeps it; `answer` or `error` is set."""

    exchange_id: str
    batch_id: str
    job_id: str
    call_key: str
    window_ids: tuple[str, ...]
    provider: str
    model: str
    prompt: LlmPrompt
    answer: LlmClipList | None
    raw_response: str | None
    error: str | None
    error_kind: str | None
    attempts: int
    latency_ms: float
    usage: TokenUsage | None


class ExchangeStore(Protocol):
    """Port: where exchanges are kept (and found again on a re-delivery)."""

    async def find_exchange(self, exchange_id: str) -> Exchange | None:
        """The stored exchange of a call, if it was made before."""

    async def save_exchange(self, exchange: Exchange) -> Exchange:
        """Store `exchange` unless one is stored already; return the stored one."""


@dataclass(frozen=True)
class BatchOutcome:
    """The ranked clips of a batch, what failed on the way, and `failure` when nothing came out."""

    clips: tuple[Clip, ...]
    windows_total: int
    windows_failed: int
    window_errors: tuple[str, ...]
    failure: str | None


def exchange_id_for(batch_id: str, job_id: str, call_key: str) -> str:
    """The id of a stored exchange: one per call of one job."""
    return f"{batch_id}:{job_id}:{call_key}"


class BatchScorer:
    """Scores batches with one provider, at most `concurrency` calls at once across all batches."""

    def __init__(
        self,
        provider: ClipProvider,
        store: ExchangeStore,
        *,
        strategy: ScoringStrategy = ScoringStrategy.AUTO,
        concurrency: int = 4,
        chunk_sec: float = DEFAULT_CHUNK_SEC,
        on_exchange: Callable[[Exchange], None] | None = None,
        deadline: Callable[[int], float] | None = None,
        store_retry: RetryPolicy | None = None,
    ) -> None:
        self.provider = provider
        self._store = store
        self._store_retry = store_retry
        self._deadline = deadline
        self._on_exchange = on_exchange
        self._strategy = strategy
        self._chunk_sec = chunk_sec
        self._slots = asyncio.Semaphore(concurrency)

    async def score(
        self, event: WindowsReady, video: VideoBrief, duration_sec: float | None = None
    ) -> BatchOutcome:
        """Score every window of `event`; failures of single calls are recorded, not raised."""
        if not event.windows:
            return _failed(
                event,
                "Scoring failed: the batch has no windows to score. "
                "Check that the processing timeframe lies inside the video.",
            )
        strategy = resolve_strategy(self._strategy, event.config.scoring_strategy, event.windows)
        plans = plan_calls(strategy, event.windows, chunk_sec=self._chunk_sec)
        exchanges = await self._exchanges(event, video, plans)
        return _outcome(event, plans, exchanges, _limits(event, duration_sec))

    async def _exchanges(
        self, event: WindowsReady, video: VideoBrief, plans: Sequence[CallPlan]
    ) -> list[Exchange]:
        budget = self._deadline(len(plans)) if self._deadline is not None else None
        ends_at = None if budget is None else asyncio.get_running_loop().time() + budget
        breaker = _Breaker(ends_at=ends_at, budget_sec=budget)
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._exchange(event, video, plan, breaker)) for plan in plans]
        except ExceptionGroup as errors:  # surface the cause itself, so transient faults stay retryable
            raise errors.exceptions[0] from None
        return [task.result() for task in tasks]

    async def _exchange(
        self, event: WindowsReady, video: VideoBrief, plan: CallPlan, breaker: "_Breaker"
    ) -> Exchange:
        exchange_id = exchange_id_for(event.batch_id, event.job_id, plan.key)
        stored = await self._stored(lambda: self._store.find_exchange(exchange_id), "reading a stored answer")
        if stored is not None:
            logger.info("reusing the stored answer", extra={"call": plan.key})
            return stored
        prompt = _prompt(event, video, plan)
        call = ScoringCall(plan.key, plan.windows, event.config, event.language, prompt)
        try:
            async with asyncio.timeout_at(breaker.ends_at), self._slots:
                result = await _propose(self.provider, call, breaker)
        except TimeoutError:
            # Not stored: a re-delivery of the batch may try this call again.
            return _record(exchange_id, event, plan, self.provider, prompt, _past_deadline(breaker))
        exchange = _record(exchange_id, event, plan, self.provider, prompt, result)
        if self._on_exchange is not None:
            self._on_exchange(exchange)
        return await self._stored(lambda: self._store.save_exchange(exchange), "storing an LLM answer")

    async def _stored(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        """A store operation, retried here through a transient database fault (with `store_retry`).

        Why here and not only by the delivery's retry: an answer in hand would be lost with the task,
        and one call's failure would cancel its siblings' calls in flight — each then asked again, paid
        again. Past the budget the fault itself is raised, so the delivery still treats it as transient.
        """
        if self._store_retry is None:
            return await operation()
        try:
            return await self._store_retry.run(operation, what=what)
        except RetriesExhausted as exhausted:
            raise exhausted.last_error from None


def _prompt(event: WindowsReady, video: VideoBrief, plan: CallPlan) -> LlmPrompt:
    if plan.chunk is None:
        return build_prompt(video, plan.windows, event.config, event.language, global_call=plan.is_global)
    speakers = dict.fromkeys(
        segment.speaker for window in event.windows for segment in window.transcript if segment.speaker
    )
    return build_chunk_prompt(video, plan.chunk, tuple(speakers), event.config, event.language)


@dataclass
class _Breaker:
    """The first systemic failure of a batch (rate limit, 5xx, timeout, connection, rejected request):
    calls that have not started yet are not made, which bounds the batch's time and the load on a
    failing API."""

    cause: str | None = None
    ends_at: float | None = None
    """Event-loop time by which the batch's calls must end (its scoring deadline), None for no bound."""
    budget_sec: float | None = None


def _past_deadline(breaker: _Breaker) -> ProviderFailure:
    return ProviderFailure(
        f"not scored within the batch's scoring deadline of {breaker.budget_sec or 0:.0f} s "
        "(VIRALCLIP_SCORING_BATCH_DEADLINE_SEC)",
        kind=DEADLINE,
        attempts=0,
    )


async def _propose(
    provider: ClipProvider, call: ScoringCall, breaker: _Breaker
) -> ProviderAnswer | ProviderFailure:
    if breaker.cause is not None:
        return ProviderFailure(
            f"not attempted after another call failed: {breaker.cause}", kind=SKIPPED, attempts=0
        )
    try:
        return await provider.propose(call)
    except ProviderFailure as failure:
        logger.warning("scoring call failed", extra={"call": call.key, "error": failure.message})
        if failure.kind in SYSTEMIC_FAILURES and breaker.cause is None:
            breaker.cause = failure.message
        return failure


def _record(
    exchange_id: str,
    event: WindowsReady,
    plan: CallPlan,
    provider: ClipProvider,
    prompt: LlmPrompt,
    result: ProviderAnswer | ProviderFailure,
) -> Exchange:
    base = Exchange(
        exchange_id=exchange_id,
        batch_id=event.batch_id,
        job_id=event.job_id,
        call_key=plan.key,
        window_ids=tuple(window.window_id for window in plan.windows),
        provider=provider.name,
        model=provider.model,
        prompt=prompt,
        answer=None,
        raw_response=result.raw_response,
        error=None,
        error_kind=None,
        attempts=result.attempts,
        latency_ms=result.latency_ms,
        usage=None,
    )
    if isinstance(result, ProviderFailure):
        return replace(base, error=result.message, error_kind=result.kind)
    return replace(base, model=result.model, answer=result.answer, usage=result.usage)


def _outcome(
    event: WindowsReady,
    plans: Sequence[CallPlan],
    exchanges: Sequence[Exchange],
    limits: ClipLimits,
) -> BatchOutcome:
    candidates: list[Candidate] = []
    rejections: list[Rejection] = []
    errors: list[str] = []
    windows_failed = 0
    for plan, exchange in zip(plans, exchanges, strict=True):
        if exchange.answer is None:
            windows_failed += len(plan.windows)
            label = _label(plan)
            errors.append(f"{label}: {exchange.error}")
            continue
        repaired = repair_answer(exchange.answer, plan.windows, limits)
        candidates.extend(repaired.candidates)
        rejections.extend(repaired.rejections)
    if rejections:
        logger.info(
            "dropped proposed clips that could not be repaired",
            extra={"dropped": len(rejections), "reasons": [r.reason for r in rejections[:5]]},
        )
    clips = rank_clips(candidates, batch_id=event.batch_id, video_id=event.video_id, language=event.language)
    failure = _failure_message(event, exchanges, rejections, clips, windows_failed)
    return BatchOutcome(clips, len(event.windows), windows_failed, tuple(errors), failure)


def _label(plan: CallPlan) -> str:
    if plan.is_global:
        return f"all {len(plan.windows)} windows"
    if plan.chunk is not None:
        chunk = plan.chunk
        return f"{plan.key} ({chunk.start_sec:.0f}-{chunk.end_sec:.0f} s, {len(plan.windows)} windows)"
    return plan.key


def _failure_message(
    event: WindowsReady,
    exchanges: Sequence[Exchange],
    rejections: Sequence[Rejection],
    clips: Sequence[Clip],
    windows_failed: int,
) -> str | None:
    if clips:
        return None
    total = len(event.windows)
    if all(exchange.answer is None for exchange in exchanges):
        distinct = list(dict.fromkeys(e.error for e in exchanges if e.error and e.error_kind != SKIPPED))
        others = f" (and {len(distinct) - 1} other errors)" if len(distinct) > 1 else ""
        windows = "the only window" if total == 1 else f"all {total} windows"
        return f"Scoring failed for {windows}: {distinct[0]}{others}. Retry the batch later."
    if rejections:
        return (
            f"Scoring produced no usable clips from {total} windows: all {len(rejections)} proposed "
            f"clips were dropped (first: {rejections[0].reason}). Try another clip length or timeframe."
        )
    return (
        f"Scoring found no clip-worthy moment in {total} windows. "
        "Try another clip length, timeframe or video type."
    )


def _failed(event: WindowsReady, message: str) -> BatchOutcome:
    return BatchOutcome((), len(event.windows), len(event.windows), (), message)


def _limits(event: WindowsReady, duration_sec: float | None) -> ClipLimits:
    timeframe = event.config.processing_timeframe
    end = timeframe.end_sec or duration_sec or float("inf")
    return ClipLimits(
        timeframe=(timeframe.start_sec, end),
        duration_bounds=event.config.clip_length_preset.bounds_sec,
    )
