"""Composition root of the scoring service: settings → provider → scorer → the windows.ready subscriber."""

import dataclasses
import logging
from dataclasses import dataclass

from faststream.asgi import AsgiFastStream

from viralclip_contracts import (
    BATCH_FAILED,
    CLIPS_SCORED,
    WINDOWS_READY,
    BatchFailed,
    ClipsScored,
    ScoringStrategy,
    Stage,
    WindowsReady,
)
from viralclip_runtime import (
    WorkerContext,
    worker_app,
    worker_context,
)

from .batch_scoring import BatchScorer
from .handlers import handle_windows_ready
from .metrics import ScoringMetrics
from .openai_provider import LLM_RETRY, OpenAIProvider, make_openai_client
from .providers import ClipProvider, HeuristicProvider
from .repository import MongoScoringRepository
from .settings import ScoringSettings

SERVICE = "scoring"
logger = logging.getLogger(__name__)


@dataclass
class ScoringWorker:
    """The worker's context and the scorer its handler uses."""

    context: WorkerContext
    scorer: BatchScorer


def build_provider(settings: ScoringSettings) -> ClipProvider:
    """The OpenAI provider when a key is configured, else the offline scorer (logged once, here)."""
    if settings.provider == "heuristic" or settings.openai_api_key is None:
        logger.warning(
            "clips are scored offline by the heuristic transcript scorer, not by an LLM; "
            "set OPENAI_API_KEY to score with %s",
            settings.openai_model,
            extra={"provider": "heuristic"},
        )
        return HeuristicProvider(settings.extra_trend_words())
    key = settings.openai_api_key.get_secret_value()
    client = make_openai_client(
        api_key=key, base_url=settings.openai_base_url, timeout_sec=settings.openai_timeout_sec
    )
    logger.info(
        "clips are scored by the Responses API",
        extra={"model": settings.openai_model, "base_url": settings.openai_base_url or "default"},
    )
    return OpenAIProvider(
        client,
        model=settings.openai_model,
        timeout_sec=settings.openai_timeout_sec,
        retry=dataclasses.replace(
            LLM_RETRY, max_attempts=settings.openai_max_attempts, max_delay_sec=settings.openai_max_delay_sec
        ),
        secret=key,
    )


def build_worker(
    settings: ScoringSettings,
    *,
    provider: ClipProvider | None = None,
) -> ScoringWorker:
    """The worker with its windows.ready subscriber registered; the broker starts with the app."""
    context = worker_context(SERVICE, settings)
    repository = MongoScoringRepository(context.db)
    chosen = provider or build_provider(settings)
    scorer = BatchScorer(
        chosen,
        repository,
        strategy=_strategy(chosen, settings),
        concurrency=settings.scoring_concurrency,
        chunk_sec=settings.scoring_chunk_sec,
        on_exchange=ScoringMetrics(context.registry).observe,
        deadline=settings.batch_deadline_sec,
        store_retry=context.retry,
    )
    context.broker.publisher(
        settings.topic(CLIPS_SCORED),
        description="The batch's clips, scored, ranked and stored; thumbnails come next.",
        schema=ClipsScored,
    )
    context.broker.publisher(
        settings.topic(BATCH_FAILED),
        description="No window could be scored (e.g. the LLM kept failing): the reason, for the creator.",
        schema=BatchFailed,
    )

    @context.subscriber(
        settings.topic(WINDOWS_READY),
        description="Candidate windows of a batch: propose, score and rank clips.",
        stage=Stage.SCORING,
    )
    async def on_windows_ready(event: WindowsReady) -> None:
        await handle_windows_ready(event, repository=repository, scorer=scorer, publish=context.publish)

    return ScoringWorker(context=context, scorer=scorer)


def _strategy(provider: ClipProvider, settings: ScoringSettings) -> ScoringStrategy:
    """The offline scorer has no prompt to keep small: it scores a batch in one call, so it knows where
    each window sits in the video (boilerplate) and keeps titles distinct across the whole batch."""
    return ScoringStrategy.GLOBAL if isinstance(provider, HeuristicProvider) else settings.scoring_strategy


def build_app(settings: ScoringSettings | None = None) -> AsgiFastStream:
    """The ASGI app served by `python -m viralclip_scoring`."""
    worker = build_worker(settings or ScoringSettings.load())
    app = worker_app(worker.context)
    app.after_shutdown(worker.scorer.provider.close)
    return app
