"""Metrics registry and trace provider of one service process."""

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
