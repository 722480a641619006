"""Metrics registry and trace provider of one service process."""

import contextlib
from collections.abc import Iterator, Mapping

from opentelemetry import context as otel_context
from opentelemetry import propagate
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from prometheus_client import CollectorRegistry


def metrics_registry() -> CollectorRegistry:
    """A registry of this process's metrics, exposed at `/metrics`."""
    return CollectorRegistry(auto_describe=True)


def tracer_provider(service: str, otlp_endpoint: str | None) -> TracerProvider:
    """Traces always propagate (ids reach the logs); they are exported only to a configured OTLP endpoint."""
    provider = TracerProvider(resource=Resource.create({"service.name": f"viralclip-{service}"}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = otlp_endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


def current_trace_headers() -> dict[str, str]:
    """The W3C trace context of the current span as headers (`traceparent`, …), to carry it across
    a hand-off that is not a Kafka message — e.g. a batch's outbox entry."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextlib.contextmanager
def trace_context(headers: Mapping[str, str]) -> Iterator[None]:
    """Make the trace context carried in `headers` current for the block (a no-op when empty)."""
    token = otel_context.attach(propagate.extract(dict(headers)))
    try:
        yield
    finally:
        otel_context.detach(token)
