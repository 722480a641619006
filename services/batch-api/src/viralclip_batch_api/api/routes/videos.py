"""Videos: list them, register one (JSON with a media path, or a multipart upload), read one back."""

import codecs
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ...core.errors import FieldError, NotFoundError
from ...service_layer.registration import register_video
from ..deps import RepoDep, SettingsDep
from ..models import ErrorPublic, VideoCreate, VideoPublic, VideosPublic
from ..public import video_public, video_summary
from . import VALIDATION_ERROR_RESPONSE, Limit, Skip, error_responses

router = APIRouter(prefix="/videos", tags=["videos"])
M = TypeVar("M", bound=BaseModel)

_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/VideoCreate"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/VideoUpload"}},
        },
    }
}
_MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024


def validated(model: type[M], data: Any) -> M:
    """`data` as `model`, or the same 422 FastAPI gives for a bad body."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = error.errors(include_url=False, include_context=False, include_input=False)
        raise RequestValidationError(
            [{**detail, "loc": ("body", *detail["loc"])} for detail in details]
        ) from None


async def _text_field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if isinstance(value, UploadFile):
        raw = await value.read(_MAX_TEXT_FILE_BYTES + 1)
        if len(raw) > _MAX_TEXT_FILE_BYTES:
            raise FieldError(name, "file too large")
        return decoded_text(raw, name)
    return value or None


_ACCEPTED_ENCODINGS = (
    "must be UTF-8 text (with or without a byte-order mark) or UTF-16 with a byte-order mark"
)


def decoded_text(raw: bytes, field: str) -> str:
    """The text of an uploaded file, decoded by its byte-order mark: UTF-16 LE or BE (as Windows subtitle
    editors save), else UTF-8 with or without one; anything else is a FieldError naming what is accepted."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # FF FE 00 00 also starts UTF-16 LE
        raise FieldError(field, f"{_ACCEPTED_ENCODINGS}, not UTF-32")
    encoding = "utf-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        text = raw.decode(encoding)  # both codecs drop the byte-order mark
    except UnicodeDecodeError:
        found = "it is not valid UTF-16" if encoding == "utf-16" else "it is not valid UTF-8"
        raise FieldError(field, f"{_ACCEPTED_ENCODINGS}; {found}") from None
    if "\x00" in text:
        raise FieldError(field, f"{_ACCEPTED_ENCODINGS}; it holds NUL characters (UTF-16 without a mark?)")
    return text


async def _from_form(form: FormData) -> tuple[VideoCreate, UploadFile]:
    media = form.get("media")
    if not isinstance(media, UploadFile):
        raise FieldError("media", "a multipart registration needs the video file in the 'media' field")
    data: dict[str, Any] = {"media_path": "(uploaded)"}
    for name in (
        "video_id",
        "title",
        "duration_sec",
        "language",
        "summary",
        "transcript",
        "transcript_format",
    ):
        value = await _text_field(form, name)
        if value is not None:
            data[name] = value
    scenes = await _text_field(form, "scenes")
    if scenes is not None:
        try:
            data["scenes"] = json.loads(scenes)
        except json.JSONDecodeError as error:
            raise FieldError("scenes", f"not valid JSON ({error.msg})") from None
    return validated(VideoCreate, data), media


FORM_ALLOWANCE_BYTES = 16 * 1024 * 1024


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=VideoPublic,
    summary="Register a video",
    description=(
        "JSON with `media_path` (relative to the media root), or `multipart/form-data` with the file in "
        "`media`, stored under the media root. The transcript is timed JSON segments, SRT or WebVTT. "
        "`duration_sec` is probed from the media when absent."
    ),
    responses={
        **error_responses(400, 409),
        **VALIDATION_ERROR_RESPONSE,
        413: {"model": ErrorPublic, "description": "The request is larger than an upload may be."},
        415: {"model": ErrorPublic, "description": "Neither JSON nor multipart."},
    },
    openapi_extra=_REQUEST_BODY,
)
async def create_video(request: Request, repo: RepoDep, settings: SettingsDep) -> VideoPublic:
    content_type = request.headers.get("content-type", "")
    _refuse_oversized(request, settings.upload_max_bytes)
    if content_type.startswith("multipart/form-data"):
        async with _limited_form(request, settings.upload_max_bytes) as form:
            data, upload = await _from_form(form)
            return await register_video(repo, settings, data, upload=upload)
    if content_type.startswith("application/json") or not content_type:
        return await register_video(repo, settings, validated(VideoCreate, await _json_body(request)))
    raise HTTPException(
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send application/json or multipart/form-data"
    )


async def _json_body(request: Request) -> Any:
    """The parsed JSON body; when it is not JSON, what FastAPI answers on every other route: 422
    `json_invalid` at `["body", position]` with the decoder's reason in `ctx.error`, 422 `missing` when
    empty, 400 when it is not text."""
    if not await request.body():
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    try:
        return await request.json()
    except json.JSONDecodeError as error:
        detail = {
            "type": "json_invalid",
            "loc": ("body", error.pos),
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": error.msg},
        }
        raise RequestValidationError([detail], body=error.doc) from None
    except UnicodeDecodeError:  # JSON is UTF-8 (or UTF-16/32, which the decoder detects)
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "There was an error parsing the body") from None


@contextlib.asynccontextmanager
async def _limited_form(request: Request, upload_max_bytes: int) -> AsyncIterator[FormData]:
    """The multipart form, parsed from a body that is counted while it streams: past the limit (plus the
    allowance) the upload is refused with 413 at once, also when no length was declared (chunked), so
    the parser never spools more than the limit to disk."""
    async with contextlib.aclosing(request.stream()) as stream:
        parser = MultiPartParser(
            request.headers,
            _capped(stream, upload_max_bytes),
            max_files=3,  # media, transcript, scenes
            max_fields=20,
        )
        try:
            form = await parser.parse()
        except MultiPartException as error:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, error.message) from None
    try:
        yield form
    finally:
        await form.close()


async def _capped(stream: AsyncIterator[bytes], upload_max_bytes: int) -> AsyncGenerator[bytes, None]:
    limit = upload_max_bytes + FORM_ALLOWANCE_BYTES
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > limit:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                f"media: the request is larger than an upload may be: at most {upload_max_bytes} bytes "
                f"(VIRALCLIP_UPLOAD_MAX_BYTES) plus {FORM_ALLOWANCE_BYTES} for the transcript and fields",
            )
        yield chunk


def _refuse_oversized(request: Request, upload_max_bytes: int) -> None:
    """Refuse, before a byte of it is read, a body that declares more than an upload may be: the form
    parser would otherwise spool all of it to disk first. The allowance covers the transcript and fields."""
    declared = request.headers.get("content-length", "")
    limit = upload_max_bytes + FORM_ALLOWANCE_BYTES
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"media: the request declares {declared} bytes; an upload may be at most {upload_max_bytes} "
            f"bytes (VIRALCLIP_UPLOAD_MAX_BYTES) plus {FORM_ALLOWANCE_BYTES} for the transcript and fields",
        )


@router.get("", response_model=VideosPublic, summary="The registered videos, newest first")
async def list_videos(
    repo: RepoDep,
    skip: Skip = 0,
    limit: Limit = 20,
) -> VideosPublic:
    docs, count = await repo.videos_page(skip=skip, limit=limit)
    return VideosPublic(data=[video_summary(d) for d in docs], count=count)


@router.get(
    "/{video_id}", response_model=VideoPublic, summary="A registered video", responses=error_responses(404)
)
async def read_video(video_id: str, repo: RepoDep) -> VideoPublic:
    video = await repo.video(video_id)
    if video is None:
        raise NotFoundError("video", video_id)
    return video_public(video)
