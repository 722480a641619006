"""The webhook call when an export ends: the batch's webhook gets a `clip_export.done` / `.failed`."""

from ..api.export_models import download_url
from ..core.webhooks import ExportSummary
from .export_repository import ExportRecord
from .repository import Repository
from .webhook_sender import WebhookSender


def export_summary(record: ExportRecord) -> ExportSummary:
    """What a delivery says about the export."""
    state = record.state
    return ExportSummary(
        export_id=state.export_id,
        clip_id=state.clip_id,
        status=state.status,
        file_path=state.file_path,
        download_url=download_url(state.export_id) if state.file_path else None,
        size_bytes=state.size_bytes,
        duration_sec=state.duration_sec,
        width=state.width,
        height=state.height,
        error_message=state.error_message,
    )


async def export_webhook(repo: Repository, webhooks: WebhookSender, record: ExportRecord) -> None:
    """Record the delivery to the batch's webhook, if it has one (once per export request and end)."""
    batch = await repo.batch(record.state.batch_id)
    if batch is not None:
        await webhooks.enqueue_export(batch, export_summary(record), record.state.requests)
