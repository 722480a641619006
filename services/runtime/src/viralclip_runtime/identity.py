"""Event identity: the id and the envelope of the event a stage emits in answer to another.

A stage's output event id derives from the job and the event type, so a re-delivered input yields the
same output event and every consumer's inbox recognises it.
"""

import uuid
from typing import Any, TypeVar

from viralclip_contracts import Event

_EVENT_ID_NAMESPACE = uuid.UUID("5b0d3a52-8f1e-4c55-9d7e-1f0c6c3b7a10")
E = TypeVar("E", bound=Event)


def derived_event_id(job_id: str, event_type: str) -> uuid.UUID:
    """The id of the event a stage emits for a job: the same on every re-delivery of its input."""
    return uuid.uuid5(_EVENT_ID_NAMESPACE, f"{job_id}/{event_type}")


def next_event(cause: Event, kind: type[E], *, producer: str, **payload: Any) -> E:
    """The event a stage emits in answer to `cause`: same batch, video and job; its id derived from the
    job and the event type, so a re-delivered cause yields the same event."""
    event_type = kind.model_fields["event_type"].default
    if not isinstance(event_type, str):
        raise TypeError(f"{kind.__name__} has no fixed event_type, so no event id can be derived for it")
    return kind(
        event_id=derived_event_id(cause.job_id, event_type),
        batch_id=cause.batch_id,
        video_id=cause.video_id,
        job_id=cause.job_id,
        producer=producer,
        **payload,
    )
