"""One router per resource: videos, clip batches, clips, health."""

from typing import Annotated, Any

from fastapi import Query

from ..models import ErrorPublic

#: The largest page offset: MongoDB counts in signed 64-bit integers, and a larger one cannot be sent.
MAX_SKIP = 2**63 - 1

Skip = Annotated[int, Query(ge=0, le=MAX_SKIP)]
"""A list's page offset."""
Limit = Annotated[int, Query(ge=1, le=100)]
"""A list's page size (each list route gives its own default)."""

_DESCRIPTIONS = {
    400: "The body could not be read as JSON (e.g. it is not UTF-8).",
    401: "Missing or wrong bearer token (only when VIRALCLIP_API_TOKEN is set).",
    404: "No such video, clip batch, clip or export.",
    409: "The resource's state does not allow this.",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers a route can give, all shaped as `ErrorPublic`."""
    return {code: {"model": ErrorPublic, "description": _DESCRIPTIONS[code]} for code in (401, *codes)}


#: FastAPI documents its 422 only on routes whose body or parameters it validates itself.
VALIDATION_ERROR_RESPONSE: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "A field is missing or invalid: `detail` names it and says why.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}},
    }
}
