"""Health checks: /healthz (the process is up), /readyz (database, broker and background tasks) and
/status (which pipeline stages have a live consumer)."""

import asyncio
from dataclasses import asdict

from fastapi import APIRouter, Response, status
from pymongo.errors import PyMongoError

from ...adapters.fleet_status import worker_statuses
from ...core.records import utc_now
from ..deps import ServiceDep
from ..models import FleetStatusPublic, HealthPublic, ReadinessPublic, WorkerStatusPublic

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


@router.get(
    "/status",
    response_model=FleetStatusPublic,
    summary="Which pipeline stages have a live consumer",
    description="Every pipeline worker service with its processes that sent a heartbeat recently. A stage "
    "with none has nobody to move its batches on; the stall watch then fails them at their deadline.",
)
async def fleet_status(service: ServiceDep) -> FleetStatusPublic:
    try:
        statuses = await asyncio.wait_for(
            worker_statuses(
                service.context.db, now=utc_now(), stale_sec=service.settings.worker_heartbeat_stale_sec
            ),
            timeout=5,
        )
    except (PyMongoError, TimeoutError):
        return FleetStatusPublic(status="unknown", workers=[], background_tasks=service.background_alive())
    workers = [WorkerStatusPublic(**asdict(s), live=s.live_consumers > 0) for s in statuses]
    return FleetStatusPublic(
        status="ok" if all(worker.live for worker in workers) else "degraded",
        workers=workers,
        background_tasks=service.background_alive(),
    )
