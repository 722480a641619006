"""The lifecycles on the broker, one table each: stage by stage, its event, topic, producer and share.

A row is a stage and the event its producer publishes when the stage's work is done; that event moves
the subject (a batch, an export) to the next row's stage, and the last row's event to `done`. Any
worker of a lifecycle that gives up publishes its `failure` event instead. Everything that needs the
shape of a lifecycle reads it here: the topic tuples (`PIPELINE_TOPICS`, `EXPORT_TOPICS`), the topic →
event map (`EVENT_BY_TOPIC`), which worker consumes which topic (`consumers`), and batch-api's projection
(stage order, progress, the stage an event leads to). Adding a stage is a row in a table, its `Stage`
value and its event.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from .events import (
    BatchCreated,
    BatchFailed,
    ClipExported,
    ClipExportFailed,
    ClipExportRequested,
    ClipsScored,
    Event,
    ThumbnailsDone,
    WindowsReady,
)
from .values import ExportStatus, Stage

S = TypeVar("S", bound=StrEnum)


def event_type_of(kind: type[Event]) -> str:
    """The fixed `event_type` (= topic) of an event class."""
    event_type = kind.model_fields["event_type"].default
    if not isinstance(event_type, str):
        raise TypeError(f"{kind.__name__} has no fixed event_type")
    return event_type


@dataclass(frozen=True)
class Step(Generic[S]):
    """One stage of a lifecycle: its producer publishes `event` (on its topic) when the stage is done.

    `share` is the part of the whole lifecycle's progress the stage stands for.
    """

    stage: S
    event: type[Event]
    producer: str
    share: float

    @property
    def topic(self) -> str:
        """The topic `event` is published on (its event type)."""
        return event_type_of(self.event)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """The ordered stages of one subject on the broker, the stage after the last, the failure event."""

    name: str
    steps: tuple[Step[S], ...]
    done: S
    failure: type[Event]

    def __post_init__(self) -> None:
        stages = self.stages
        if len(set(stages)) != len(stages):
            raise ValueError(f"{self.name}: a stage appears twice")
        if len(set(self.topics)) != len(self.topics):
            raise ValueError(f"{self.name}: a topic appears twice")
        if abs(sum(step.share for step in self.steps) - 1.0) > 1e-9:
            raise ValueError(f"{self.name}: the stages' shares of progress must add up to 1")

    @property
    def stages(self) -> tuple[S, ...]:
        """Every stage in order, `done` last."""
        return (*(step.stage for step in self.steps), self.done)

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic of the lifecycle: the stages' in order, then the failure's."""
        return (*(step.topic for step in self.steps), event_type_of(self.failure))

    @property
    def events(self) -> dict[str, type[Event]]:
        """Topic → event class, in the order of `topics`."""
        return {
            **{step.topic: step.event for step in self.steps},
            event_type_of(self.failure): self.failure,
        }

    @property
    def workers(self) -> tuple[str, ...]:
        """The producers that do a stage's work after the first (they may publish the failure)."""
        return tuple(step.producer for step in self.steps[1:])

    @property
    def consumers(self) -> dict[str, tuple[str, ...]]:
        """Each worker → the topics it consumes: for each stage it works, the event of the row before."""
        consumed: dict[str, tuple[str, ...]] = {}
        for before, step in zip(self.steps, self.steps[1:], strict=False):
            consumed[step.producer] = (*consumed.get(step.producer, ()), before.topic)
        return consumed

    @property
    def open_stages(self) -> tuple[S, ...]:
        """The stages a subject can wait in: every one but `done`."""
        return self.stages[:-1]

    def mover(self, stage: S) -> Step[S]:
        """The row whose producer moves a subject on from `stage`, and the topic that worker consumes
        for it (`input_topic`). The first stage is left by the second row's worker, which consumes the
        first row's event; any later stage by its own row's worker, which consumed the row before's."""
        index = self._open_rank(stage)
        return self.steps[1] if index == 0 and len(self.steps) > 1 else self.steps[index]

    def input_topic(self, stage: S) -> str:
        """The topic the worker of `stage` consumes: what re-drives a subject stalled in it."""
        return self.steps[max(0, self._open_rank(stage) - 1)].topic

    def _open_rank(self, stage: S) -> int:
        if stage not in self.open_stages:
            raise KeyError(f"{stage} is not an open stage of the {self.name}")
        return self.rank(stage)

    def rank(self, stage: S) -> int:
        """Position of `stage`, 0 = the first."""
        return self.stages.index(stage)

    def progress_at(self, stage: S) -> float:
        """The share of the work done when `stage` starts (0 at the first, 1 at `done`)."""
        return round(sum((step.share for step in self.steps[: self.rank(stage)]), 0.0), 9)

    def stage_after(self, event: type[Event]) -> S:
        """The stage a subject enters once `event` was published; KeyError for the failure event."""
        for index, step in enumerate(self.steps):
            if step.event is event:
                return self.stages[index + 1]
        raise KeyError(f"{event.__name__} does not move the {self.name} lifecycle forward")


BATCH_PIPELINE: Lifecycle[Stage] = Lifecycle(
    name="batch pipeline",
    steps=(
        Step(Stage.QUEUED, BatchCreated, producer="batch-api", share=0.05),
        Step(Stage.WINDOWING, WindowsReady, producer="windowing", share=0.15),
        Step(Stage.SCORING, ClipsScored, producer="scoring", share=0.65),  # LLM calls: most of the time
        Step(Stage.THUMBNAILS, ThumbnailsDone, producer="thumbnail", share=0.15),
    ),
    done=Stage.DONE,
    failure=BatchFailed,
)
"""A batch: queued → windowing → scoring → thumbnails → done, driven by its job; or batch.failed."""

EXPORT_LIFECYCLE: Lifecycle[ExportStatus] = Lifecycle(
    name="clip export",
    steps=(
        Step(ExportStatus.QUEUED, ClipExportRequested, producer="batch-api", share=0.05),
        Step(ExportStatus.RENDERING, ClipExported, producer="render", share=0.95),
    ),
    done=ExportStatus.DONE,
    failure=ClipExportFailed,
)
"""An export of one clip with given render settings: queued → rendering → done; or clip.export_failed."""

LIFECYCLES: tuple[Lifecycle[Stage] | Lifecycle[ExportStatus], ...] = (BATCH_PIPELINE, EXPORT_LIFECYCLE)

PRODUCERS: tuple[str, ...] = tuple(
    dict.fromkeys(step.producer for lifecycle in LIFECYCLES for step in lifecycle.steps)
)
"""Every service that publishes a lifecycle's event, once each, in the tables' order (batch-api first)."""


def producer_order(service: str) -> tuple[int, str]:
    """Sort key of services: the tables' producers in `PRODUCERS` order, any other after them by name."""
    return (PRODUCERS.index(service) if service in PRODUCERS else len(PRODUCERS), service)
