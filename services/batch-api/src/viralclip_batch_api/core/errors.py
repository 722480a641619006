"""Domain errors the API maps to 4xx: a bad field (422), a missing id (404), a conflict (409)."""

from typing import Literal


class FieldError(ValueError):
    """Input that cannot be accepted: `field` names where (dotted path), `reason` says why."""

    def __init__(
        self, field: str, reason: str, *, location: Literal["body", "header", "query"] = "body"
    ) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.location = location


class NotFoundError(LookupError):
    """An id that names nothing: `resource` is the kind ("video", "clip batch", "clip")."""

    def __init__(self, resource: str, resource_id: str) -> None:
        super().__init__(f"{resource} {resource_id!r} not found")
        self.resource = resource
        self.resource_id = resource_id


class ConflictError(RuntimeError):
    """The request is valid but the resource's current state does not allow it."""
