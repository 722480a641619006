"""Kafka topic names. The message key of every event is its batch id, so one batch stays ordered."""

from typing import Final

BATCH_CREATED: Final = "batch.created"
WINDOWS_READY: Final = "windows.ready"
CLIPS_SCORED: Final = "clips.scored"
THUMBNAILS_DONE: Final = "thumbnails.done"
BATCH_FAILED: Final = "batch.failed"

PIPELINE_TOPICS: Final = (BATCH_CREATED, WINDOWS_READY, CLIPS_SCORED, THUMBNAILS_DONE, BATCH_FAILED)

CLIP_EXPORT_REQUESTED: Final = "clip.export_requested"
CLIP_EXPORTED: Final = "clip.exported"
CLIP_EXPORT_FAILED: Final = "clip.export_failed"

EXPORT_TOPICS: Final = (CLIP_EXPORT_REQUESTED, CLIP_EXPORTED, CLIP_EXPORT_FAILED)


def dead_letter_topic(topic: str) -> str:
    """The topic where messages of `topic` that cannot be parsed or validated are parked."""
    return f"{topic}.dlq"
