"""The FastAPI application: routers under /viral-clip, health checks, errors as typed 4xx answers.

The broker, database client and background tasks start and stop in the `lifespan` (no FastStream
FastAPI plugin: it is deprecated).
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request, status
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from pydantic import BaseModel

from ..bootstrap import Ports, build_service, start_service, stop_service
from ..core.errors import ConflictError, FieldError, NotFoundError
from ..settings import API_PREFIX, BatchApiSettings
from .deps import require_token
from .export_models import ExportProgressPublic
from .models import BatchProgressPublic, VideoCreate, VideoUpload
from .review_page import install_review_page
from .routes import clip_batches, clips, exports, health, media, observability, videos

_DOC_ONLY_MODELS: tuple[type[BaseModel], ...] = (
    VideoCreate,
    VideoUpload,
    BatchProgressPublic,
    ExportProgressPublic,
)


def create_app(settings: BatchApiSettings | None = None, ports: Ports | None = None) -> FastAPI:
    """The batch-api ASGI app; settings are read from the environment when not given."""
    settings = settings or BatchApiSettings.load()
    service = build_service(settings, ports)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await start_service(service)
        try:
            yield
        finally:
            await stop_service(service)

    app = FastAPI(
        title="viralclip batch-api",
        version="1.0.0",
        description="Register videos, start clip batches, follow their progress, review and edit clips, "
        "export clips as MP4.",
        lifespan=lifespan,
    )
    app.state.service = service
    # A `traceparent` sent with a request becomes the parent of everything the request causes,
    # through the outbox and every stage of the pipeline.
    app.add_middleware(
        OpenTelemetryMiddleware,
        tracer_provider=service.context.tracing,
        exclude_spans=["receive", "send"],
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID", "Range"],
            # A player on another origin seeks in an exported MP4 with range requests.
            expose_headers=["Location", "Idempotent-Replayed", "Content-Range", "Accept-Ranges"],
        )
    guarded = [Depends(require_token)]
    for router in (videos.router, clip_batches.router, clips.router, exports.router):
        app.include_router(router, prefix=API_PREFIX, dependencies=guarded)
    app.include_router(media.router, prefix=API_PREFIX)  # guarded by a token or a signed link
    app.include_router(health.router)
    app.include_router(observability.router)
    app.include_router(health.router, prefix=API_PREFIX, include_in_schema=False)
    install_review_page(app)
    _install_error_handlers(app)
    _install_openapi(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FieldError)
    async def field_error(request: Request, error: FieldError) -> JSONResponse:
        detail = [{"loc": [error.location, error.field], "msg": error.reason, "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, error: NotFoundError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=status.HTTP_404_NOT_FOUND)

    @app.exception_handler(ConflictError)
    async def conflict(request: Request, error: ConflictError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=status.HTTP_409_CONFLICT)


def _install_openapi(app: FastAPI) -> None:
    """Add the schemas that routes reference by hand (multipart registration, the event stream)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for model in _DOC_ONLY_MODELS:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in schema.pop("$defs", {}).items():
                schemas.setdefault(name, definition)
            schemas[model.__name__] = schema
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
