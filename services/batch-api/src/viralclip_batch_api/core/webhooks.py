"""Webhook core: the payload sent when a batch ends, its signatures, retry delays.

Deliveries are signed as the Standard Webhooks specification defines (as OpenAI's and Svix's are):
`webhook-id` (the delivery id, the same on every retry, so a receiver can de-duplicate),
`webhook-timestamp` (Unix seconds of the attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body">`, so off-the-shelf libraries (`standardwebhooks`) verify them. The key is the
deployment's `VIRALCLIP_WEBHOOK_SECRET`: a `whsec_<base64>` secret is decoded as the specification says,
any other secret is used as its UTF-8 bytes. Deprecated, kept for one release: `X-Viralclip-Signature:
sha256=<hex>` over the body alone, keyed with the secret's text.
"""

import hashlib
import hmac
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from standardwebhooks import Webhook

from viralclip_contracts import ExportStatus, Stage

from .projection import BatchStatus

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
STANDARD_SIGNATURE_HEADER = "webhook-signature"
SIGNATURE_HEADER = "X-Viralclip-Signature"  # deprecated: use the Standard Webhooks headers
EVENT_HEADER = "X-Viralclip-Event"
DELIVERY_HEADER = "X-Viralclip-Delivery"
_SCHEME = "sha256="


class ExportSummary(BaseModel):
    """The export that ended, in a `clip_export.done` / `clip_export.failed` delivery."""

    export_id: str
    clip_id: str
    status: ExportStatus
    file_path: str | None = None
    download_url: str | None = None
    size_bytes: int | None = None
    duration_sec: float | None = None
    width: int | None = None
    height: int | None = None
    error_message: str | None = None


class WebhookPayload(BaseModel):
    """The batch summary POSTed to a batch's `webhook_url` when it becomes ready or failed, and when
    one of its exports is done or failed (then `export` says which; the rest is the batch's state)."""

    event: Literal["clip_batch.ready", "clip_batch.failed", "clip_export.done", "clip_export.failed"]
    delivery_id: str
    batch_id: str
    video_id: str
    job_id: str
    status: BatchStatus
    stage: Stage
    clips_total: int | None = None
    error_message: str | None = None
    occurred_at: datetime = Field(description="When the batch reached this status (UTC).")
    export: ExportSummary | None = Field(default=None, description="Only in `clip_export.*` deliveries.")


def delivery_id(batch_id: str, job_id: str, status: BatchStatus) -> str:
    """Stable id of the one delivery a job's terminal status gets, so a replay never sends twice."""
    digest = hashlib.sha256(f"{batch_id}:{job_id}:{status}".encode()).hexdigest()
    return f"wh-{digest[:20]}"


def export_delivery_id(export_id: str, request_number: int, status: ExportStatus) -> str:
    """Stable id of the one delivery an export request's end gets (a re-requested export, a new one)."""
    digest = hashlib.sha256(f"export:{export_id}:{request_number}:{status}".encode()).hexdigest()
    return f"wh-{digest[:20]}"


def encode(payload: WebhookPayload) -> bytes:
    """The exact bytes that are signed and sent."""
    return payload.model_dump_json().encode()


def sign(body: bytes, secret: str) -> str:
    """Signature header value: `sha256=` and the hex HMAC-SHA256 of `body` keyed by `secret`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return _SCHEME + digest


def verify(body: bytes, secret: str, signature: str) -> bool:
    """True when `signature` is the signature of `body` under `secret` (constant-time compare)."""
    return hmac.compare_digest(sign(body, secret), signature)


def standard_signer(secret: str) -> Webhook:
    """The Standard Webhooks signer for the deployment's secret (see the module docstring)."""
    return Webhook(secret) if secret.startswith("whsec_") else Webhook(secret.encode())


def headers(payload: WebhookPayload, body: bytes, secret: str, at: datetime) -> dict[str, str]:
    """Headers of one delivery attempt made at `at`."""
    standard = standard_signer(secret).sign(payload.delivery_id, at, body.decode())
    return {
        "Content-Type": "application/json",
        ID_HEADER: payload.delivery_id,
        TIMESTAMP_HEADER: str(int(at.timestamp())),
        STANDARD_SIGNATURE_HEADER: standard,
        SIGNATURE_HEADER: sign(body, secret),
        EVENT_HEADER: payload.event,
        DELIVERY_HEADER: payload.delivery_id,
    }


def is_success(status_code: int) -> bool:
    """A receiver accepted the delivery (any 2xx)."""
    return 200 <= status_code < 300
