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
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Stage
from viralclip_runtime import TRANSIENT_ERRORS

from . import webhooks
from .documents import Document
from .projection import BatchState, BatchStatus
from .repository import WEBHOOK_DELIVERIES
from .settings import BatchApiSettings
from .webhook_guard import DestinationGuard, DestinationRefused, DestinationUnresolved

logger = logging.getLogger(__name__)
_BATCH_SIZE = 20
_CLAIM_MARGIN_SEC = 30.0


def payload_for(doc: Document, state: BatchState, at: datetime) -> webhooks.WebhookPayload:
    """The summary a batch document in a terminal state sends."""
    event = "clip_batch.ready" if state.status is not BatchStatus.FAILED else "clip_batch.failed"
    return webhooks.WebhookPayload(
        event=event,
        delivery_id=webhooks.delivery_id(doc["_id"], state.current_job_id, state.status),
        batch_id=doc["_id"],
        video_id=doc["video_id"],
        job_id=state.current_job_id,
        status=state.status,
        stage=Stage(state.stage),
        clips_total=state.clips_total,
        error_message=state.error_message,
        occurred_at=at,
    )


class WebhookSender:
    """Records deliveries (`enqueue`) and sends the due ones (`send_due`, `run`)."""

    def __init__(
        self,
        db: AsyncDatabase[Document],
        client: httpx.AsyncClient,
        settings: BatchApiSettings,
        guard: DestinationGuard,
    ) -> None:
        self._deliveries = db[WEBHOOK_DELIVERIES]
        self._client = client
        self._guard = guard
        self._settings = settings
        self._schedule = settings.webhook_retry.schedule()
        self._wakeup = asyncio.Event()

    async def enqueue(self, batch_doc: Document, state: BatchState) -> None:
        """Record the delivery of a terminal batch (idempotent: once per job and status)."""
        url = batch_doc.get("webhook_url")
        if not url or state.status not in (BatchStatus.READY, BatchStatus.FAILED):
            return
        now = datetime.now(UTC)
        payload = payload_for(batch_doc, state, now)
        record = {
            "batch_id": payload.batch_id,
            "job_id": payload.job_id,
            "url": url,
            "body": webhooks.encode(payload).decode(),
            "event": payload.event,
            "status": "pending",
            "attempts": [],
            "next_attempt_at": now,
            "created_at": now,
        }
        await self._deliveries.update_one({"_id": payload.delivery_id}, {"$setOnInsert": record}, upsert=True)
        self._wakeup.set()

    async def send_due(self) -> int:
        """Attempt every pending delivery whose time has come and that no other replica took first;
        returns how many were attempted."""
        now = datetime.now(UTC)
        query = {"status": "pending", "next_attempt_at": {"$lte": now}}
        due = await self._deliveries.find(query).sort("next_attempt_at", 1).limit(_BATCH_SIZE).to_list(None)
        attempted = 0
        for doc in due:
            if await self._claim(doc):
                await self._attempt(doc)
                attempted += 1
        return attempted

    async def _claim(self, doc: Document) -> bool:
        """Take a due delivery for one attempt, so that another replica polling at the same moment
        skips it: its next attempt moves past this attempt's timeout (when this replica dies mid-attempt,
        the delivery is due again then)."""
        lease = timedelta(seconds=self._settings.webhook_timeout_sec + _CLAIM_MARGIN_SEC)
        claimed = await self._deliveries.update_one(
            {"_id": doc["_id"], "status": "pending", "next_attempt_at": doc["next_attempt_at"]},
            {"$set": {"next_attempt_at": datetime.now(UTC) + lease}},
        )
        return claimed.modified_count == 1

    async def _attempt(self, doc: Document) -> None:
        number = len(doc["attempts"]) + 1
        outcome: dict[str, Any] = {"attempt": number, "at": datetime.now(UTC)}
        final_failure = await self._post(doc, outcome)
        delivered = webhooks.is_success(outcome.get("status_code", 0))
        changes: Document = {"updated_at": outcome["at"]}
        if delivered:
            changes["status"] = "delivered"
        elif final_failure is not None:
            changes["status"] = final_failure
        elif number >= self._settings.webhook_max_attempts:
            changes["status"] = "failed"
        else:
            changes["next_attempt_at"] = outcome["at"] + timedelta(seconds=self._schedule[number - 1])
        await self._deliveries.update_one(
            {"_id": doc["_id"]}, {"$push": {"attempts": outcome}, "$set": changes}
        )
        logger.info(
            "webhook attempt",
            extra={
                "batch_id": doc["batch_id"],
                "delivery_id": doc["_id"],
                "attempt": number,
                "delivered": delivered,
                "status_code": outcome.get("status_code"),
                "error": outcome.get("error"),
                "final_status": changes.get("status"),
            },
        )

    async def _post(self, doc: Document, outcome: dict[str, Any]) -> str | None:
        """Make one attempt, recording it in `outcome`; returns the final status when it must not be
        retried (`refused`, `failed`), else None."""
        secret = self._settings.webhook_secret
        if secret is None:
            outcome["error"] = "no webhook secret configured (VIRALCLIP_WEBHOOK_SECRET)"
            return "failed"
        try:
            destination = await self._guard.pin(doc["url"])
        except DestinationRefused as refused:
            outcome["error"] = f"refused: {refused}"
            return "refused"
        except DestinationUnresolved as unresolved:
            outcome["error"] = str(unresolved)
            return None
        body = doc["body"].encode()
        payload = webhooks.WebhookPayload.model_validate_json(body)
        pinned_headers, extensions = destination.request_options()
        try:
            response = await self._client.post(
                destination.url,
                content=body,
                headers=webhooks.headers(payload, body, secret.get_secret_value(), outcome["at"])
                | pinned_headers,
                extensions=extensions,
                timeout=self._settings.webhook_timeout_sec,
            )
        except httpx.HTTPError as error:
            outcome["error"] = f"{type(error).__name__}: {error}"[:500]
            return None
        outcome["status_code"] = response.status_code
        if response.is_redirect:
            outcome["error"] = f"redirect to {response.headers.get('location', '?')!r} not followed"[:500]
            return "failed"
        return None

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
