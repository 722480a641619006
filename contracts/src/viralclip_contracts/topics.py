"""Kafka topic names. The message key of every event is its batch id, so one batch stays ordered.

The tuples of a lifecycle's topics come from its table in `pipeline.py`.
"""

from typing import Final

from .pipeline import BATCH_PIPELINE, EXPORT_LIFECYCLE, LIFECYCLES

BATCH_CREATED: Final = "batch.created"
WINDOWS_READY: Final = "windows.ready"
CLIPS_SCORED: Final = "clips.scored"
THUMBNAILS_DONE: Final = "thumbnails.done"
BATCH_FAILED: Final = "batch.failed"

PIPELINE_TOPICS: Final = BATCH_PIPELINE.topics
"""batch.created, windows.ready, clips.scored, thumbnails.done, batch.failed."""

CLIP_EXPORT_REQUESTED: Final = "clip.export_requested"
CLIP_EXPORTED: Final = "clip.exported"
CLIP_EXPORT_FAILED: Final = "clip.export_failed"

EXPORT_TOPICS: Final = EXPORT_LIFECYCLE.topics
"""clip.export_requested, clip.exported, clip.export_failed."""

ALL_TOPICS: Final = tuple(topic for lifecycle in LIFECYCLES for topic in lifecycle.topics)
"""Every lifecycle's topics, in table order: what a deployment creates (with their dead-letter topics)."""


def dead_letter_topic(topic: str) -> str:
    """The topic where messages of `topic` that cannot be parsed or validated are parked."""
    return f"{topic}.dlq"
