"""Webhooks: a batch that ends POSTs its signed summary; failures are retried with backoff and recorded."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from standardwebhooks import Webhook

from viralclip_batch_api.adapters.repository import Repository
from viralclip_batch_api.adapters.webhook_guard import DestinationGuard
from viralclip_batch_api.adapters.webhook_sender import WebhookSender
from viralclip_batch_api.core import webhooks
from viralclip_batch_api.core.projection import BatchState, BatchStatus
from viralclip_batch_api.core.records import BatchRecord, utc_now
from viralclip_batch_api.core.webhook_destinations import Allowlist
from viralclip_batch_api.settings import BatchApiSettings
from viralclip_contracts import ClipBatchConfig
from viralclip_testkit.dns import static_resolver
from viralclip_testkit.waiting import eventually

pytestmark = pytest.mark.integration

HOOK = "http://hooks.test/hook"
WEBHOOK_SECRET = "whsec-test-0123456789abcdef"  # the shared app's (see conftest)
NewBatch = Callable[..., Awaitable[dict[str, Any]]]


async def finished_delivery(db: AsyncDatabase[dict[str, Any]], batch_id: str) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        doc = await db["webhook_deliveries"].find_one({"batch_id": batch_id, "status": {"$ne": "pending"}})
        return doc

    found = await eventually(done, timeout=60, what=f"the webhook of {batch_id}")
    assert found is not None
    return found


async def test_a_ready_batch_is_posted_signed_after_retries_and_every_attempt_is_recorded(
    new_batch: NewBatch,
    pipeline: Any,
    api_db: AsyncDatabase[dict[str, Any]],
    webhook_receiver: Any,
) -> None:
    batch = await new_batch(webhook_url=HOOK)
    for event in (pipeline.windows(batch), pipeline.scored(batch), pipeline.thumbnails(batch)):
        await pipeline.publish(event)

    delivery = await finished_delivery(api_db, batch["batch_id"])

    assert delivery["status"] == "delivered"
    assert [a.get("status_code") for a in delivery["attempts"]] == [503, 503, 204]
    received = [
        (headers, body)
        for headers, body in webhook_receiver.requests
        if headers.get("x-viralclip-delivery") == delivery["_id"]
    ]
    assert len(received) == 3
    headers, body = received[-1]
    assert Webhook(WEBHOOK_SECRET.encode()).verify(body, headers)["batch_id"] == batch["batch_id"]
    assert webhooks.verify(body, WEBHOOK_SECRET, headers["x-viralclip-signature"])  # deprecated header
    summary = json.loads(body)
    assert (summary["event"], summary["batch_id"], summary["status"], summary["clips_total"]) == (
        "clip_batch.ready",
        batch["batch_id"],
        "ready",
        2,
    )
    assert WEBHOOK_SECRET not in json.dumps(delivery, default=str)


async def test_a_failed_batch_posts_its_error(
    new_batch: NewBatch, pipeline: Any, api_db: AsyncDatabase[dict[str, Any]]
) -> None:
    batch = await new_batch(webhook_url=HOOK)
    await pipeline.publish(pipeline.failed(batch))

    delivery = await finished_delivery(api_db, batch["batch_id"])

    summary = json.loads(delivery["body"])
    assert (summary["event"], summary["error_message"]) == (
        "clip_batch.failed",
        "Scoring failed: LLM unreachable.",
    )
    assert delivery["status"] == "delivered"


async def test_a_receiver_that_never_accepts_gets_the_configured_number_of_attempts(
    new_batch: NewBatch, pipeline: Any, api_db: AsyncDatabase[dict[str, Any]], shared_api: Any
) -> None:
    batch = await new_batch(webhook_url="http://hooks.test/nowhere")  # 404 on every attempt
    await pipeline.publish(pipeline.failed(batch))

    delivery = await finished_delivery(api_db, batch["batch_id"])

    assert delivery["status"] == "failed"
    codes = [a.get("status_code") for a in delivery["attempts"]]
    assert codes == [404] * shared_api.settings.webhook_max_attempts
    gaps = [
        (b["at"] - a["at"]).total_seconds()
        for a, b in zip(delivery["attempts"], delivery["attempts"][1:], strict=False)
    ]
    schedule = shared_api.settings.webhook_retry.schedule()
    assert all(gap >= delay for gap, delay in zip(gaps, schedule, strict=True)), (gaps, schedule)


async def test_a_webhook_url_must_be_http(
    client: httpx.AsyncClient, new_video: Callable[..., Awaitable[Any]]
) -> None:
    video = await new_video()

    response = await client.post(
        f"/videos/{video['video_id']}/clip-batches", json={"webhook_url": "ftp://x/y"}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "webhook_url"]


async def test_replicas_polling_at_the_same_moment_attempt_a_delivery_once(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    settings = BatchApiSettings(webhook_secret=WEBHOOK_SECRET)
    posted: list[str] = []
    other_replica: list[WebhookSender] = []

    async def receive(request: httpx.Request) -> httpx.Response:
        posted.append(request.headers[webhooks.DELIVERY_HEADER])
        if len(posted) == 1:  # the other replica polls while this attempt is in flight
            await other_replica[0].send_due()
        return httpx.Response(204)

    async with httpx.AsyncClient(transport=httpx.MockTransport(receive)) as http:
        guard = DestinationGuard(
            Allowlist.parse(["127.0.0.1"]), static_resolver({"hooks.test": "127.0.0.1"}), timeout_sec=1
        )
        first = WebhookSender(Repository(mongo_db), http, settings, guard)
        second = WebhookSender(Repository(mongo_db), http, settings, guard)
        other_replica.append(second)
        state = BatchState(current_job_id="j-1", status=BatchStatus.READY)
        batch = BatchRecord(
            batch_id="b-1",
            video_id="v-1",
            name="b",
            config=ClipBatchConfig(),
            webhook_url=HOOK,
            created_at=utc_now(),
            updated_at=utc_now(),
            **dict(state),
        )
        await first.enqueue(batch, state)
        await first.send_due()

    delivery = await mongo_db["webhook_deliveries"].find_one({})
    assert delivery is not None
    assert len(posted) == 1
    assert (delivery["status"], len(delivery["attempts"])) == ("delivered", 1)
