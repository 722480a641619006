"""Clips: the grid of a batch, one clip's detail, its thumbnail, and the creator's edits."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from viralclip_media import MediaPathError, resolve_media_path

from ...core.errors import NotFoundError
from ...core.validation import transcript_excerpt
from ...service_layer.commands import edit_clip
from ..deps import RepoDep, SettingsDep
from ..models import ClipDetailPublic, ClipPublic, ClipsPublic, ClipUpdate
from ..public import clip_public
from . import Limit, Skip, error_responses

router = APIRouter(tags=["clips"])


@router.get(
    "/clip-batches/{batch_id}/clips",
    response_model=ClipsPublic,
    summary="The clip grid: ranked by viral score, or in timeline order",
    responses=error_responses(404),
)
async def list_clips(
    batch_id: str,
    repo: RepoDep,
    sort: Annotated[
        Literal["score", "time"], Query(description="score: best first; time: timeline")
    ] = "score",
    min_score: Annotated[float | None, Query(ge=0, le=10)] = None,
    skip: Skip = 0,
    limit: Limit = 50,
) -> ClipsPublic:
    if await repo.batch(batch_id) is None:
        raise NotFoundError("clip batch", batch_id)
    clips, count = await repo.clips_of_batch(
        batch_id, order=sort, min_score=min_score, skip=skip, limit=limit
    )
    return ClipsPublic(data=[clip_public(c) for c in clips], count=count)


@router.get(
    "/clips/{clip_id}",
    response_model=ClipDetailPublic,
    summary="Everything the Segment Detail modal shows",
    responses=error_responses(404),
)
async def read_clip(clip_id: str, repo: RepoDep) -> ClipDetailPublic:
    clip = await repo.clip(clip_id)
    if clip is None:
        raise NotFoundError("clip", clip_id)
    video = await repo.video(clip.video_id)
    segments = list(video.transcript) if video else []
    return ClipDetailPublic(
        **clip_public(clip).model_dump(),
        transcript_excerpt=transcript_excerpt(segments, clip.start_time_sec, clip.end_time_sec),
    )


@router.get(
    "/clips/{clip_id}/thumbnail",
    response_class=FileResponse,
    summary="The clip's thumbnail image",
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}}, "description": "The image."},
        **error_responses(404),
    },
)
async def read_thumbnail(clip_id: str, repo: RepoDep, settings: SettingsDep) -> FileResponse:
    clip = await repo.clip(clip_id)
    if clip is None:
        raise NotFoundError("clip", clip_id)
    if not clip.thumbnail_path:
        raise NotFoundError("thumbnail of clip", clip_id)
    try:
        image = resolve_media_path(settings.media_root, clip.thumbnail_path, must_be_file=True)
    except MediaPathError:
        raise NotFoundError("thumbnail of clip", clip_id) from None
    return FileResponse(image.absolute)


@router.patch(
    "/clips/{clip_id}",
    response_model=ClipPublic,
    summary="Edit a clip's title, description or range (it becomes `edited`)",
    responses=error_responses(400, 404, 409),
)
async def update_clip(clip_id: str, edit: ClipUpdate, repo: RepoDep) -> ClipPublic:
    return await edit_clip(repo, clip_id, edit)
