"""Clip exports: request (202), read, list per clip or batch, and serve the MP4 with range requests."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Response, status
from fastapi.responses import FileResponse

from viralclip_contracts import ExportStatus

from ...core.errors import ConflictError, NotFoundError
from ...settings import API_PREFIX
from ..deps import ExportCommandsDep, ExportsDep, RepoDep, SettingsDep
from ..export_models import BatchExportCreate, ExportCreate, ExportPublic, ExportsPublic, export_public
from . import Limit, Skip, error_responses
from .clip_batches import REPLAYED_HEADER

router = APIRouter(tags=["exports"])
_IDEMPOTENT = (
    "The export id derives from the clip, its current range and the settings: asking again for the "
    "same export answers it (`Idempotent-Replayed: true`) and renders nothing; a failed export asked "
    "for again is re-rendered; after an edit of the clip's range it is a new export."
)
_FILE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"video/mp4": {}}, "description": "The whole MP4."},
    206: {"content": {"video/mp4": {}}, "description": "The requested byte range (`Content-Range`)."},
    400: {"content": {"text/plain": {}}, "description": "A malformed `Range` header."},
    416: {"content": {"text/plain": {}}, "description": "The range starts past the end of the file."},
}


@router.post(
    "/clips/{clip_id}/exports",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ExportPublic,
    summary="Export a clip as an MP4 (defaults from its batch; any setting can be overridden)",
    description=f"Answers at once; the render runs in the background. {_IDEMPOTENT}",
    responses=error_responses(400, 404, 409),
)
async def export_clip(
    clip_id: str,
    commands: ExportCommandsDep,
    response: Response,
    body: Annotated[ExportCreate | None, Body()] = None,
) -> ExportPublic:
    export, queued = await commands.request(clip_id, body or ExportCreate())
    response.headers["Location"] = f"{API_PREFIX}/exports/{export.export_id}"
    if not queued:
        response.headers[REPLAYED_HEADER] = "true"
    return export


@router.post(
    "/clip-batches/{batch_id}/exports",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ExportsPublic,
    summary="Export several clips of a batch: the chosen `clip_ids`, or the `top` N by score",
    description=f"One export per clip, all with the same settings. {_IDEMPOTENT}",
    responses=error_responses(400, 404, 409),
)
async def export_clips(
    batch_id: str, body: BatchExportCreate, commands: ExportCommandsDep, response: Response
) -> ExportsPublic:
    results = await commands.request_many(batch_id, body)
    response.headers["Location"] = f"{API_PREFIX}/clip-batches/{batch_id}/exports"
    return ExportsPublic(data=[export for export, _ in results], count=len(results))


@router.get(
    "/clip-batches/{batch_id}/exports",
    response_model=ExportsPublic,
    summary="The batch's exports, newest first",
    responses=error_responses(404),
)
async def list_batch_exports(
    batch_id: str,
    repo: RepoDep,
    exports: ExportsDep,
    skip: Skip = 0,
    limit: Limit = 50,
) -> ExportsPublic:
    if await repo.batch(batch_id) is None:
        raise NotFoundError("clip batch", batch_id)
    records, count = await exports.of_batch(batch_id, skip=skip, limit=limit)
    return ExportsPublic(data=[export_public(r) for r in records], count=count)


@router.get(
    "/clips/{clip_id}/exports",
    response_model=ExportsPublic,
    summary="The clip's exports (every range and settings it was exported with), newest first",
    responses=error_responses(404),
)
async def list_clip_exports(
    clip_id: str,
    repo: RepoDep,
    exports: ExportsDep,
    skip: Skip = 0,
    limit: Limit = 50,
) -> ExportsPublic:
    if await repo.clip(clip_id) is None:
        raise NotFoundError("clip", clip_id)
    records, count = await exports.of_clip(clip_id, skip=skip, limit=limit)
    return ExportsPublic(data=[export_public(r) for r in records], count=count)


@router.get(
    "/exports/{export_id}",
    response_model=ExportPublic,
    summary="An export: status, progress, error, file size, duration, resolution, download URL",
    responses=error_responses(404),
)
async def read_export(export_id: str, exports: ExportsDep) -> ExportPublic:
    record = await exports.get(export_id)
    if record is None:
        raise NotFoundError("export", export_id)
    return export_public(record)


@router.get(
    "/exports/{export_id}/file",
    response_class=FileResponse,
    summary="The exported MP4; honours `Range` (206), so a browser can seek in it",
    responses={**_FILE_ANSWERS, **error_responses(404, 409)},
)
async def read_export_file(
    export_id: str,
    exports: ExportsDep,
    settings: SettingsDep,
    range_: Annotated[
        str | None, Header(alias="Range", description="e.g. `bytes=0-1023`, `bytes=-500`.")
    ] = None,
) -> FileResponse:
    record = await exports.get(export_id)
    if record is None:
        raise NotFoundError("export", export_id)
    state = record.state
    if state.status is not ExportStatus.DONE or state.file_path is None:
        raise ConflictError(f"export {export_id!r} is {state.status}; its file exists once it is done")
    root = settings.media_root.resolve()
    path = (root / state.file_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFoundError("file of export", export_id)
    return FileResponse(path, media_type="video/mp4", filename=path.name, content_disposition_type="inline")
