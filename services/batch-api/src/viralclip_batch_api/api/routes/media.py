"""A video's media file, served with HTTP range requests so a browser can seek in it, and the signed link
a page puts in `<video src>` (which cannot send a bearer token)."""

import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import FileResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from viralclip_media import MediaPathError, resolve_media_path

from ...core.errors import NotFoundError
from ...core.media_links import link_is_valid, signed_query, signing_key
from ...settings import API_PREFIX, BatchApiSettings
from ..deps import RepoDep, SettingsDep, require_token
from ..models import MediaLinkPublic
from . import error_responses

router = APIRouter(prefix="/videos", tags=["videos"])
_bearer = HTTPBearer(auto_error=False, description="Or a signed link from `/media-link`.")


def media_path(video_id: str) -> str:
    """The URL path of a video's media file."""
    return f"{API_PREFIX}/videos/{video_id}/media"


def _require_token_or_signed_link(
    video_id: str,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    expires: Annotated[int | None, Query(description="Expiry of a signed link (Unix seconds).")] = None,
    signature: Annotated[str | None, Query(description="Signature of a link from `/media-link`.")] = None,
) -> None:
    """401 unless the API is open, the request carries the bearer token, or the query a valid, unexpired
    signature for this video's media."""
    if settings.api_token is None or credentials is not None:
        require_token(settings, credentials)
        return
    key = signing_key(settings.api_token.get_secret_value())
    if not link_is_valid(key, media_path(video_id), expires=expires, given=signature, now=time.time()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="this media link is unsigned, wrong or expired; ask /media-link for a new one",
            headers={"WWW-Authenticate": "Bearer"},
        )


@router.get(
    "/{video_id}/media-link",
    response_model=MediaLinkPublic,
    summary="A link a browser can load the video's media from",
    dependencies=[Depends(require_token)],
    responses=error_responses(404),
)
async def read_media_link(video_id: str, repo: RepoDep, settings: SettingsDep) -> MediaLinkPublic:
    if await repo.video(video_id) is None:
        raise NotFoundError("video", video_id)
    return _link(video_id, settings)


def _link(video_id: str, settings: BatchApiSettings) -> MediaLinkPublic:
    path = media_path(video_id)
    if settings.api_token is None:
        return MediaLinkPublic(url=path)
    key = signing_key(settings.api_token.get_secret_value())
    query, expires = signed_query(key, path, now=time.time())
    return MediaLinkPublic(url=f"{path}?{query}", expires_at=datetime.fromtimestamp(expires, UTC))


@router.get(
    "/{video_id}/media",
    response_class=FileResponse,
    summary="The video's media file (HTTP range requests supported)",
    description=(
        "Answers `Range: bytes=…` with 206 Partial Content, so a player can seek. When the API needs a "
        "token, give it as a bearer token or use the signed link from `/media-link`."
    ),
    dependencies=[Depends(_require_token_or_signed_link)],
    responses={
        200: {"content": {"video/mp4": {}}, "description": "The media file."},
        206: {"content": {"video/mp4": {}}, "description": "The requested byte range."},
        **error_responses(404),
    },
)
async def read_media(video_id: str, repo: RepoDep, settings: SettingsDep) -> FileResponse:
    video = await repo.video(video_id)
    if video is None:
        raise NotFoundError("video", video_id)
    try:
        media = resolve_media_path(settings.media_root, video.media_path, must_be_file=True)
    except MediaPathError:
        raise NotFoundError("media file of video", video_id) from None
    return FileResponse(media.absolute)
