"""Clip batches: create (202, idempotent), list per video, read, follow progress, finalize, retry."""

from typing import Annotated

from fastapi import APIRouter, Header, Response, status
from sse_starlette import EventSourceResponse

from ...core.errors import NotFoundError
from ...core.idempotency import IDEMPOTENCY_HEADER
from ...settings import API_PREFIX
from ..deps import CommandsDep, RepoDep, ServiceDep
from ..models import ClipBatchCreate, ClipBatchesPublic, ClipBatchPublic
from ..public import batch_public
from ..sse import progress_events
from . import Limit, Skip, error_responses

router = APIRouter(tags=["clip batches"])
REPLAYED_HEADER = "Idempotent-Replayed"


@router.post(
    "/videos/{video_id}/clip-batches",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ClipBatchPublic,
    summary="Get Clips: start a clip batch",
    description=(
        "Answers at once with the new batch and its `job_id`; the pipeline runs in the background. "
        f"With an `{IDEMPOTENCY_HEADER}` header, repeating the request returns the same batch "
        "(a different body with the same key is a 422)."
    ),
    responses=error_responses(400, 404),
)
async def create_clip_batch(
    video_id: str,
    body: ClipBatchCreate,
    commands: CommandsDep,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(alias=IDEMPOTENCY_HEADER, description="Any unique string (a UUID) per intended batch."),
    ] = None,
) -> ClipBatchPublic:
    batch, replayed = await commands.create(video_id, body, idempotency_key)
    response.headers["Location"] = f"{API_PREFIX}/clip-batches/{batch.batch_id}"
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return batch


@router.get(
    "/videos/{video_id}/clip-batches",
    response_model=ClipBatchesPublic,
    summary="The video's clip batches, newest first",
    responses=error_responses(404),
)
async def list_clip_batches(
    video_id: str,
    repo: RepoDep,
    skip: Skip = 0,
    limit: Limit = 20,
) -> ClipBatchesPublic:
    if await repo.video(video_id) is None:
        raise NotFoundError("video", video_id)
    batches, count = await repo.batches_of_video(video_id, skip=skip, limit=limit)
    return ClipBatchesPublic(data=[batch_public(b) for b in batches], count=count)


@router.get(
    "/clip-batches/{batch_id}",
    response_model=ClipBatchPublic,
    summary="A clip batch: status, stage, progress, counts",
    responses=error_responses(404),
)
async def read_clip_batch(batch_id: str, repo: RepoDep) -> ClipBatchPublic:
    batch = await repo.batch(batch_id)
    if batch is None:
        raise NotFoundError("clip batch", batch_id)
    return batch_public(batch)


@router.get(
    "/clip-batches/{batch_id}/events",
    response_class=EventSourceResponse,
    summary="Server-sent progress events until the batch is ready, final or failed and no export of it "
    "is in flight",
    responses={
        200: {
            "description": "A stream of `progress` events, each a BatchProgressPublic, and `export` "
            "events, each an ExportProgressPublic.",
            "content": {
                "text/event-stream": {"schema": {"$ref": "#/components/schemas/BatchProgressPublic"}}
            },
        },
        **error_responses(404),
    },
)
async def clip_batch_events(batch_id: str, service: ServiceDep) -> EventSourceResponse:
    if await service.repo.batch(batch_id) is None:
        raise NotFoundError("clip batch", batch_id)
    events = progress_events(
        service.repo,
        service.changes,
        batch_id,
        refresh_sec=service.settings.sse_refresh_sec,
        exports=service.exports,
    )
    return EventSourceResponse(events, ping=service.settings.sse_ping_sec)


@router.post(
    "/clip-batches/{batch_id}/finalize",
    response_model=ClipBatchPublic,
    summary="Accept a ready batch: status final",
    responses=error_responses(404, 409),
)
async def finalize_clip_batch(batch_id: str, commands: CommandsDep) -> ClipBatchPublic:
    return await commands.finalize(batch_id)


@router.post(
    "/clip-batches/{batch_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ClipBatchPublic,
    summary="Restart a failed batch as a new job",
    responses=error_responses(404, 409),
)
async def retry_clip_batch(batch_id: str, commands: CommandsDep) -> ClipBatchPublic:
    return await commands.retry(batch_id)
