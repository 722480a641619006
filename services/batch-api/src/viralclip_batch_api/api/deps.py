"""FastAPI dependencies as `Annotated` aliases: the service, its parts, and the bearer-token check."""

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..adapters.export_repository import ExportRepository
from ..adapters.repository import Repository
from ..bootstrap import Service
from ..service_layer.commands import BatchCommands
from ..service_layer.export_commands import ExportCommands
from ..settings import BatchApiSettings

_bearer = HTTPBearer(auto_error=False, description="Needed when VIRALCLIP_API_TOKEN is set.")


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


def get_settings(service: ServiceDep) -> BatchApiSettings:
    return service.settings


def get_repo(service: ServiceDep) -> Repository:
    return service.repo


def get_commands(service: ServiceDep) -> BatchCommands:
    return service.commands


def get_exports(service: ServiceDep) -> ExportRepository:
    return service.exports


def get_export_commands(service: ServiceDep) -> ExportCommands:
    return service.export_commands


SettingsDep = Annotated[BatchApiSettings, Depends(get_settings)]
RepoDep = Annotated[Repository, Depends(get_repo)]
CommandsDep = Annotated[BatchCommands, Depends(get_commands)]
ExportsDep = Annotated[ExportRepository, Depends(get_exports)]
ExportCommandsDep = Annotated[ExportCommands, Depends(get_export_commands)]


def require_token(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 unless the request carries the configured bearer token (no token configured: open)."""
    if settings.api_token is None:
        return
    expected = settings.api_token.get_secret_value().encode()
    given = credentials.credentials.encode() if credentials else b""
    if not hmac.compare_digest(given, expected):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
