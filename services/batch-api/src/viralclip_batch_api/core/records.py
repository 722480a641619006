"""What batch-api stores, as models (pure): one per collection it writes, in the shape of its documents.

Each model is its MongoDB document: `_id` is the natural id (the field's alias), a batch's projected
`BatchState` fields are top-level fields of the batch (so a `BatchRecord` *is* a state plus its
configuration), and every datetime is UTC. Only the repository turns them into documents and back.
"""

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    field_serializer,
    field_validator,
    model_validator,
)

from viralclip_contracts import EVENT_BY_TOPIC, ClipBatchConfig, Event, Stage, Video

from .language_detection import LanguageSource
from .projection import BatchState


def utc_now() -> datetime:
    """Now in UTC at millisecond precision, as MongoDB stores it (so answers match what reads return)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")


class VideoRecord(Video):
    """A `videos` document: the contract's `Video`, when it was registered, where its language came from."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    video_id: str = Field(alias="_id")
    created_at: datetime
    language_source: LanguageSource | None = None


class _StoredEvent(_Record):
    """A contract event stored with its topic: JSON in the document, the topic's class in the model."""

    topic: str
    event: SerializeAsAny[Event]

    @model_validator(mode="before")
    @classmethod
    def _typed_event(cls, data: Any) -> Any:
        """A stored event (JSON) becomes the contract class of its topic."""
        if isinstance(data, dict) and isinstance(data.get("event"), dict):
            return {**data, "event": EVENT_BY_TOPIC[data["topic"]].model_validate(data["event"])}
        return data

    @field_serializer("event")
    def _event_as_json(self, event: Event) -> dict[str, Any]:
        return event.model_dump(mode="json")  # as it goes on the wire: ids and times as strings


class LastEvent(_StoredEvent):
    """The event that moved a batch into its stage, kept for a re-drive by the stall watch."""

    @classmethod
    def of(cls, event: Event) -> "LastEvent":
        return cls(topic=event.event_type, event=event)


class OutboxEntry(_StoredEvent):
    """A pending event of a batch; the relay publishes it and sets `sent_at`, or sets it aside
    (`quarantined_at`, with the reason) when it no longer validates."""

    event_id: str
    created_at: datetime
    sent_at: datetime | None = None
    trace_context: dict[str, str] = Field(default_factory=dict)
    quarantined_at: datetime | None = None
    quarantine_error: str | None = None

    @classmethod
    def of(cls, event: Event, *, created_at: datetime, trace_context: dict[str, str]) -> "OutboxEntry":
        """The entry that publishes `event` on its own topic."""
        return cls(
            event_id=str(event.event_id),
            topic=event.event_type,
            event=event,
            created_at=created_at,
            trace_context=trace_context,
        )


class Stall(_Record):
    """The stall watch's steps for one job and stage of a batch: when it passed its deadline, when it was
    re-driven (and whether there was an event to re-drive with), when it was failed."""

    job_id: str
    stage: Stage
    stalled_since: datetime
    redriven_at: datetime | None = None
    redriven: bool = False
    failed_at: datetime | None = None


class Idempotency(_Record):
    """What a create with an `Idempotency-Key` stored to recognise its replays."""

    fingerprint: str


class _ProjectedRecord(BatchState):
    """A document whose top-level fields include a projected `BatchState`."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    @property
    def state(self) -> BatchState:
        """The projected state alone."""
        return BatchState.model_validate(self.model_dump(include=set(BatchState.model_fields)))


class BatchRecord(_ProjectedRecord):
    """A `clip_batches` document: the projected state, the configuration, the version, the outbox."""

    batch_id: str = Field(alias="_id")
    video_id: str
    name: str
    config: ClipBatchConfig
    webhook_url: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 0
    idempotency: Idempotency | None = None
    outbox: tuple[OutboxEntry, ...] = ()
    stage_started_at: datetime | None = Field(
        default=None, description="When the current stage (of the current job) began; older documents: none."
    )
    stall: Stall | None = None
    last_event: LastEvent | None = None

    @field_validator("outbox", mode="before")
    @classmethod
    def _readable_entries(cls, entries: Any) -> Any:
        """Entries that no longer validate are left out of a read (the relay quarantines them)."""
        if not isinstance(entries, list | tuple):
            return entries
        readable = []
        for entry in entries:
            try:
                readable.append(OutboxEntry.model_validate(entry))
            except (KeyError, TypeError, ValueError):
                continue
        return readable

    @property
    def stage_started(self) -> datetime:
        """When the batch entered its current stage (older documents: their last update)."""
        return self.stage_started_at or self.updated_at

    @property
    def current_stall(self) -> Stall | None:
        """The stall record of the current job and stage, if there is one."""
        stall = self.stall
        if stall is None or stall.job_id != self.current_job_id or stall.stage != self.stage:
            return None
        return stall

    @property
    def stalled_since(self) -> datetime | None:
        """When the batch passed its stage's deadline while it waits after a re-drive; None when on time
        or ended."""
        stall = self.current_stall
        return None if stall is None or self.is_terminal else stall.stalled_since

    def with_state(self, state: BatchState, at: datetime) -> "BatchRecord":
        """This batch in `state`, as changed at `at` (the version moves when it is written); a new stage
        or a new job starts the stage clock."""
        update: dict[str, Any] = {**dict(state), "updated_at": at}
        if state.stage != self.stage or state.current_job_id != self.current_job_id:
            update["stage_started_at"] = at
        return self.model_copy(update=update)


class JobRecord(_ProjectedRecord):
    """A `jobs` document: one pipeline run of a batch, projected like its batch but pinned to its job."""

    job_id: str = Field(alias="_id")
    batch_id: str
    video_id: str
    created_at: datetime
    updated_at: datetime
    version: int = 0


DeliveryStatus = Literal["pending", "delivered", "failed", "refused"]


class WebhookAttempt(_Record):
    """One POST of a webhook delivery: when, and the answer or the error."""

    attempt: int
    at: datetime
    status_code: int | None = None
    error: str | None = None


class WebhookDelivery(_Record):
    """A `webhook_deliveries` document: the signed body of one terminal status and every attempt."""

    delivery_id: str = Field(alias="_id")
    batch_id: str
    job_id: str
    url: str
    body: str
    event: str
    status: DeliveryStatus = "pending"
    attempts: tuple[WebhookAttempt, ...] = ()
    next_attempt_at: datetime
    created_at: datetime
    updated_at: datetime | None = None
