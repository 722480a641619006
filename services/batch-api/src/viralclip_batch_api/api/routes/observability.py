"""Prometheus metrics and the AsyncAPI document of the events batch-api consumes and publishes."""

from typing import Any

from fastapi import APIRouter, Response
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ..deps import ServiceDep

router = APIRouter(tags=["observability"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}},
)
async def metrics(service: ServiceDep) -> Response:
    await service.metrics.refresh(service.repo)
    return Response(generate_latest(service.context.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/asyncapi.json", summary="AsyncAPI document of batch-api's events")
async def asyncapi(service: ServiceDep) -> dict[str, Any]:
    document: dict[str, Any] = asyncapi_specification(service.context.broker).to_specification().to_jsonable()
    return document


def asyncapi_specification(broker: KafkaBroker) -> AsyncAPI:
    """The AsyncAPI specification of `broker`'s subscribers and publishers."""
    return AsyncAPI(
        broker,
        title="viralclip batch-api",
        version="1.0.0",
        description="Events consumed and published by the viralclip batch-api service.",
    )
