"""The scorer's own Prometheus metrics: LLM calls, their latency and the tokens they used."""

from prometheus_client import CollectorRegistry, Counter, Histogram

from .batch_scoring import Exchange

_LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120)


class ScoringMetrics:
    """Observes every exchange actually made (a re-delivery that reuses a stored answer counts nothing)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.calls = Counter(
            "viralclip_llm_calls",
            "Scoring calls by provider and outcome.",
            ["provider", "outcome"],
            registry=registry,
        )
        self.latency = Histogram(
            "viralclip_llm_call_seconds",
            "Latency of a scoring call, retries included.",
            ["provider"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.tokens = Counter(
            "viralclip_llm_tokens", "Tokens used by scoring calls.", ["provider", "kind"], registry=registry
        )

    def observe(self, exchange: Exchange) -> None:
        provider = exchange.provider
        self.calls.labels(provider=provider, outcome=exchange.error_kind or "ok").inc()
        self.latency.labels(provider=provider).observe(exchange.latency_ms / 1000)
        if exchange.usage is not None:
            self.tokens.labels(provider=provider, kind="input").inc(exchange.usage.input_tokens)
            self.tokens.labels(provider=provider, kind="output").inc(exchange.usage.output_tokens)
