"""Health checks: /healthz (the process is up) and /readyz (database, broker and background tasks)."""

import asyncio

from fastapi import APIRouter, Response, status
from pymongo.errors import PyMongoError

from ..deps import ServiceDep
from ..models import HealthPublic, ReadinessPublic

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthPublic, summary="The process is up")
async def healthz() -> HealthPublic:
    return HealthPublic()


@router.get(
    "/readyz",
    response_model=ReadinessPublic,
    summary="Database and broker reachable",
    responses={503: {"model": ReadinessPublic, "description": "A dependency is unavailable."}},
)
async def readyz(service: ServiceDep, response: Response) -> ReadinessPublic:
    try:
        await asyncio.wait_for(service.context.db.command("ping"), timeout=2)
        database = True
    except (PyMongoError, TimeoutError):
        database = False
    broker = bool(await service.context.broker.ping(timeout=2))
    background = service.background_alive()
    ready = database and broker and background
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return ReadinessPublic(
        status="ready" if ready else "unavailable",
        database=database,
        broker=broker,
        background_tasks=background,
    )
