"""Webhook delivery: when a batch ends, its summary is POSTed to its `webhook_url`, signed, with retries.

Each delivery is a `webhook_deliveries` document (`_id` = the stable delivery id) recording every attempt,
so deliveries survive restarts and can be inspected. Non-2xx answers, network and DNS errors are retried on
the backoff schedule until `webhook_max_attempts`; then the delivery is `failed`. A destination the guard
refuses (inside the network) makes the delivery `refused` at once, and a redirect is never followed: the
delivery `failed`, naming where it pointed. Neither is retried.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from viralclip_contracts import ExportStatus, Stage
from viralclip_runtime import TRANSIENT_ERRORS

from ..core import webhooks
from ..core.projection import BatchState, BatchStatus
from ..core.records import BatchRecord, DeliveryStatus, WebhookAttempt, WebhookDelivery
from ..settings import BatchApiSettings
from .repository import Repository
from .webhook_guard import DestinationGuard, DestinationRefused, DestinationUnresolved

logger = logging.getLogger(__name__)
_BATCH_SIZE = 20
_CLAIM_MARGIN_SEC = 30.0


def payload_for(batch: BatchRecord, state: BatchState, at: datetime) -> webhooks.WebhookPayload:
    """The summary a batch in a terminal state sends."""
    event = "clip_batch.ready" if state.status is not BatchStatus.FAILED else "clip_batch.failed"
    return webhooks.WebhookPayload(
        event=event,
        delivery_id=webhooks.delivery_id(batch.batch_id, state.current_job_id, state.status),
        batch_id=batch.batch_id,
        video_id=batch.video_id,
        job_id=state.current_job_id,
        status=state.status,
        stage=Stage(state.stage),
        clips_total=state.clips_total,
        error_message=state.error_message,
        occurred_at=at,
    )


@dataclass(frozen=True)
class _Answer:
    """What one POST came to: the receiver's status code, an error, and a final status if it is one."""

    status_code: int | None = None
    error: str | None = None
    final: DeliveryStatus | None = None


class WebhookSender:
    """Records deliveries (`enqueue`) and sends the due ones (`send_due`, `run`)."""

    def __init__(
        self,
        repo: Repository,
        client: httpx.AsyncClient,
        settings: BatchApiSettings,
        guard: DestinationGuard,
    ) -> None:
        self._repo = repo
        self._client = client
        self._guard = guard
        self._settings = settings
        self._schedule = settings.webhook_retry.schedule()
        self._wakeup = asyncio.Event()

    async def enqueue(self, batch: BatchRecord, state: BatchState) -> None:
        """Record the delivery of a terminal batch (idempotent: once per job and status)."""
        if not batch.webhook_url or state.status not in (BatchStatus.READY, BatchStatus.FAILED):
            return
        await self._record(payload_for(batch, state, datetime.now(UTC)), batch.webhook_url)

    async def enqueue_export(
        self, batch: BatchRecord, export: webhooks.ExportSummary, request_number: int
    ) -> None:
        """Record the delivery of an export that ended (idempotent: once per export request and status)."""
        if not batch.webhook_url or export.status not in (ExportStatus.DONE, ExportStatus.FAILED):
            return
        payload = webhooks.WebhookPayload(
            event="clip_export.done" if export.status is ExportStatus.DONE else "clip_export.failed",
            delivery_id=webhooks.export_delivery_id(export.export_id, request_number, export.status),
            batch_id=batch.batch_id,
            video_id=batch.video_id,
            job_id=batch.current_job_id,
            status=batch.status,
            stage=Stage(batch.stage),
            clips_total=batch.clips_total,
            error_message=export.error_message,
            occurred_at=datetime.now(UTC),
            export=export,
        )
        await self._record(payload, batch.webhook_url)

    async def _record(self, payload: webhooks.WebhookPayload, url: str) -> None:
        now = payload.occurred_at
        await self._repo.record_delivery(
            WebhookDelivery(
                delivery_id=payload.delivery_id,
                batch_id=payload.batch_id,
                job_id=payload.job_id,
                url=url,
                body=webhooks.encode(payload).decode(),
                event=payload.event,
                next_attempt_at=now,
                created_at=now,
            )
        )
        self._wakeup.set()

    async def send_due(self) -> int:
        """Attempt every pending delivery whose time has come and that no other replica took first;
        returns how many were attempted."""
        attempted = 0
        for delivery in await self._repo.due_deliveries(datetime.now(UTC), limit=_BATCH_SIZE):
            if await self._claim(delivery):
                await self._attempt(delivery)
                attempted += 1
        return attempted

    async def _claim(self, delivery: WebhookDelivery) -> bool:
        """Take a due delivery for one attempt, so that another replica polling at the same moment
        skips it: its next attempt moves past this attempt's timeout (when this replica dies mid-attempt,
        the delivery is due again then)."""
        lease = timedelta(seconds=self._settings.webhook_timeout_sec + _CLAIM_MARGIN_SEC)
        return await self._repo.claim_delivery(delivery, until=datetime.now(UTC) + lease)

    async def _attempt(self, delivery: WebhookDelivery) -> None:
        number = len(delivery.attempts) + 1
        at = datetime.now(UTC)
        answer = await self._post(delivery, at)
        delivered = webhooks.is_success(answer.status_code or 0)
        status: DeliveryStatus | None = None
        next_attempt_at = None
        if delivered:
            status = "delivered"
        elif answer.final is not None:
            status = answer.final
        elif number >= self._settings.webhook_max_attempts:
            status = "failed"
        else:
            next_attempt_at = at + timedelta(seconds=self._schedule[number - 1])
        attempt = WebhookAttempt(attempt=number, at=at, status_code=answer.status_code, error=answer.error)
        await self._repo.record_attempt(
            delivery.delivery_id, attempt, status=status, next_attempt_at=next_attempt_at
        )
        logger.info(
            "webhook attempt",
            extra={
                "batch_id": delivery.batch_id,
                "delivery_id": delivery.delivery_id,
                "attempt": number,
                "delivered": delivered,
                "status_code": answer.status_code,
                "error": answer.error,
                "final_status": status,
            },
        )

    async def _post(self, delivery: WebhookDelivery, at: datetime) -> _Answer:
        """Make one attempt at `at`; the answer says when it must not be retried (`refused`, `failed`)."""
        secret = self._settings.webhook_secret
        if secret is None:
            return _Answer(error="no webhook secret configured (VIRALCLIP_WEBHOOK_SECRET)", final="failed")
        try:
            destination = await self._guard.pin(delivery.url)
        except DestinationRefused as refused:
            return _Answer(error=f"refused: {refused}", final="refused")
        except DestinationUnresolved as unresolved:
            return _Answer(error=str(unresolved))
        body = delivery.body.encode()
        payload = webhooks.WebhookPayload.model_validate_json(body)
        pinned_headers, extensions = destination.request_options()
        try:
            response = await self._client.post(
                destination.url,
                content=body,
                headers=webhooks.headers(payload, body, secret.get_secret_value(), at) | pinned_headers,
                extensions=extensions,
                timeout=self._settings.webhook_timeout_sec,
            )
        except httpx.HTTPError as error:
            return _Answer(error=f"{type(error).__name__}: {error}"[:500])
        if response.is_redirect:
            where = response.headers.get("location", "?")
            return _Answer(response.status_code, f"redirect to {where!r} not followed"[:500], final="failed")
        return _Answer(response.status_code)

    async def run(self) -> None:
        """Send due deliveries until cancelled; database outages are retried at the next poll."""
        while True:
            self._wakeup.clear()
            try:
                await self.send_due()
            except TRANSIENT_ERRORS as error:
                logger.warning("webhook sender: dependency unavailable", extra={"error": repr(error)})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._settings.poll_interval_sec)
