"""Webhook signing and retry schedule: what a receiver relies on to trust and de-duplicate."""

import hashlib
import hmac
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from viralclip_batch_api.core.projection import BatchStatus
from viralclip_batch_api.core.webhooks import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    WebhookPayload,
    delivery_id,
    encode,
    headers,
    is_success,
    sign,
    verify,
)
from viralclip_batch_api.settings import BatchApiSettings
from viralclip_contracts import Stage


def _payload() -> WebhookPayload:
    return WebhookPayload(
        event="clip_batch.ready",
        delivery_id=delivery_id("b-1", "j-1", BatchStatus.READY),
        batch_id="b-1",
        video_id="v-1",
        job_id="j-1",
        status=BatchStatus.READY,
        stage=Stage.DONE,
        clips_total=7,
        occurred_at=datetime(2026, 11, 3, 12, 0, tzinfo=UTC),
    )


def test_signature_is_hmac_sha256_of_the_exact_body_a_receiver_can_recompute() -> None:
    body = encode(_payload())

    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()

    assert sign(body, "s3cret") == f"sha256={expected}"


def test_verify_accepts_the_right_secret_and_rejects_a_tampered_body_or_wrong_secret() -> None:
    body = encode(_payload())
    signature = sign(body, "s3cret")

    assert verify(body, "s3cret", signature)
    assert not verify(body + b" ", "s3cret", signature)
    assert not verify(body, "other", signature)


def test_headers_carry_signature_event_and_a_stable_delivery_id() -> None:
    payload = _payload()
    body = encode(payload)

    sent = headers(payload, body, "s3cret", datetime.now(UTC))

    assert sent[SIGNATURE_HEADER] == sign(body, "s3cret")
    assert sent[DELIVERY_HEADER] == delivery_id("b-1", "j-1", BatchStatus.READY)
    assert sent["X-Viralclip-Event"] == "clip_batch.ready"
    assert "s3cret" not in "".join(sent.values())


def test_delivery_id_differs_per_job_and_status() -> None:
    ids = {
        delivery_id("b-1", "j-1", BatchStatus.READY),
        delivery_id("b-1", "j-2", BatchStatus.READY),
        delivery_id("b-1", "j-1", BatchStatus.FAILED),
    }

    assert len(ids) == 3


def test_the_webhook_schedule_doubles_from_the_base_delay_up_to_the_cap_without_jitter() -> None:
    settings = BatchApiSettings(webhook_max_attempts=5, webhook_base_delay_sec=1.0, webhook_max_delay_sec=5.0)

    assert settings.webhook_retry.schedule() == (1, 2, 4, 5)
    assert settings.webhook_retry.delay(4, draw=lambda: 0.0) == 5


@pytest.mark.parametrize(("code", "ok"), [(200, True), (204, True), (301, False), (410, False), (503, False)])
def test_only_2xx_counts_as_delivered(code: int, ok: bool) -> None:
    assert is_success(code) is ok


@pytest.mark.parametrize(
    ("secret", "receiver_key"),
    [
        ("a-plain-deployment-secret", b"a-plain-deployment-secret"),
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
    ],
)
def test_the_standard_webhooks_library_verifies_a_delivery_as_a_receiver_would(
    secret: str, receiver_key: str | bytes
) -> None:
    payload = _payload()
    body = encode(payload)

    sent = headers(payload, body, secret, datetime.now(UTC))

    assert sent["webhook-id"] == payload.delivery_id
    assert sent["webhook-signature"].startswith("v1,")
    assert Webhook(receiver_key).verify(body, sent)["batch_id"] == "b-1"
    with pytest.raises(WebhookVerificationError):
        Webhook(receiver_key).verify(body.replace(b"b-1", b"b-2"), sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(b"another-secret-entirely").verify(body, sent)


def test_a_replayed_delivery_with_an_old_timestamp_is_rejected_by_the_library() -> None:
    payload = _payload()
    body = encode(payload)

    sent = headers(payload, body, "a-plain-deployment-secret", datetime(2026, 1, 1, tzinfo=UTC))

    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(b"a-plain-deployment-secret").verify(body, sent)
