"""The projector on the real broker: duplicate, out-of-order, late and stale events never move it back."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import Event, Stage
from viralclip_testkit.waiting import eventually

pytestmark = pytest.mark.integration

NewBatch = Callable[..., Awaitable[dict[str, Any]]]
BatchInState = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def processed(api_db: AsyncDatabase[dict[str, Any]], shared_api: Any) -> Callable[[Event], Awaitable[None]]:
    """Wait until batch-api's consumer has fully handled an event (its inbox holds the event id)."""

    async def wait(event: Event) -> None:
        key = f"viralclip-batch-api{shared_api.settings.topic_suffix}/{event.event_id}"  # the group in effect

        async def seen() -> bool:
            return await api_db["consumed_events"].find_one({"_id": key}) is not None

        await eventually(seen, timeout=60, what=f"{event.event_type} {event.event_id} handled")

    return wait


async def test_events_out_of_order_skip_ahead_and_late_ones_change_nothing(
    new_batch: NewBatch,
    pipeline: Any,
    batch_in_state: BatchInState,
    processed: Callable[[Event], Awaitable[None]],
    api_db: AsyncDatabase[dict[str, Any]],
) -> None:
    batch = await new_batch()
    await batch_in_state(batch["batch_id"], stage="windowing")  # batch.created came back from the outbox

    await pipeline.publish(pipeline.thumbnails(batch))
    ready = await batch_in_state(batch["batch_id"], status="ready")
    late = [pipeline.windows(batch), pipeline.scored(batch), pipeline.failed(batch)]
    for event in late:
        await pipeline.publish(event)
    for event in late:
        await processed(event)

    after = await batch_in_state(batch["batch_id"], status="ready")
    assert (after["stage"], after["progress"], after["error_message"]) == ("done", 1.0, None)
    assert after == ready
    job = await api_db["jobs"].find_one({"_id": batch["job_id"]})
    assert job is not None
    assert (job["batch_id"], job["status"], job["stage"], job["progress"]) == (
        batch["batch_id"],
        "ready",
        "done",
        1.0,
    )


async def test_a_duplicated_event_is_applied_once(
    new_batch: NewBatch,
    pipeline: Any,
    batch_in_state: BatchInState,
    processed: Callable[[Event], Awaitable[None]],
    api_db: AsyncDatabase[dict[str, Any]],
) -> None:
    batch = await new_batch()
    windows = pipeline.windows(batch)
    await pipeline.publish(windows)
    await pipeline.publish(windows)  # the same event again, as after a producer retry
    reemitted = windows.model_copy(update={"event_id": pipeline.windows(batch).event_id})
    await pipeline.publish(reemitted)  # same facts, another id: late for the state machine
    # Same topic and key: handled after the duplicates, so once it is in, they were too.
    sentinel = pipeline.windows(batch, job_id="j-someone-else")
    await pipeline.publish(sentinel)
    await processed(sentinel)

    state = await batch_in_state(batch["batch_id"], stage="scoring")
    doc = await api_db["clip_batches"].find_one({"_id": batch["batch_id"]})
    assert doc is not None
    assert doc["applied_event_ids"].count(str(windows.event_id)) == 1
    assert str(reemitted.event_id) not in doc["applied_event_ids"]
    assert (state["status"], state["windows_total"]) == ("draft", 3)


async def test_events_of_a_stale_job_are_ignored_after_a_retry(
    new_batch: NewBatch,
    pipeline: Any,
    batch_in_state: BatchInState,
    processed: Callable[[Event], Awaitable[None]],
    client: Any,
) -> None:
    batch = await new_batch()
    await pipeline.publish(pipeline.failed(batch, stage=Stage.WINDOWING))
    await batch_in_state(batch["batch_id"], status="failed")
    retried = (await client.post(f"/clip-batches/{batch['batch_id']}/retry")).json()
    await batch_in_state(batch["batch_id"], stage="windowing", job_id=retried["job_id"])

    stale = [
        pipeline.windows(batch),
        pipeline.scored(batch),
        pipeline.thumbnails(batch),
        pipeline.failed(batch),
    ]
    for event in stale:
        await pipeline.publish(event)
    for event in stale:
        await processed(event)

    current = await batch_in_state(batch["batch_id"], job_id=retried["job_id"])
    assert (current["status"], current["stage"], current["error_message"]) == ("draft", "windowing", None)
