"""The progress stream: a client sees every stage change of a batch in order, ending with `ready`."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from httpx_sse import aconnect_sse

from viralclip_batch_api.core.projection import STAGE_ORDER
from viralclip_contracts import Stage

pytestmark = pytest.mark.integration

NewBatch = Callable[..., Awaitable[dict[str, Any]]]
STREAM_TIMEOUT = httpx.Timeout(30.0, read=60.0)


async def test_the_stream_follows_each_stage_in_order_and_ends_when_ready(
    client: httpx.AsyncClient, new_batch: NewBatch, pipeline: Any
) -> None:
    batch = await new_batch()
    # Each stage's event is published only once the stream has shown the stage before it.
    next_event = {
        Stage.WINDOWING: pipeline.windows(batch),
        Stage.SCORING: pipeline.scored(batch),
        Stage.THUMBNAILS: pipeline.thumbnails(batch),
    }
    updates: list[dict[str, Any]] = []
    async with (
        asyncio.timeout(120),
        aconnect_sse(
            client, "GET", f"/clip-batches/{batch['batch_id']}/events", timeout=STREAM_TIMEOUT
        ) as source,
    ):
        assert source.response.headers["content-type"].startswith("text/event-stream")
        async for sse in source.aiter_sse():
            assert sse.event == "progress"
            update = json.loads(sse.data)
            updates.append(update)
            if (event := next_event.pop(Stage(update["stage"]), None)) is not None:
                await pipeline.publish(event)

    stages = [Stage(u["stage"]) for u in updates]
    assert stages[-4:] == [Stage.WINDOWING, Stage.SCORING, Stage.THUMBNAILS, Stage.DONE]
    assert [STAGE_ORDER.index(s) for s in stages] == sorted({STAGE_ORDER.index(s) for s in stages})
    progress = [u["progress"] for u in updates]
    assert progress == sorted(progress)
    assert [u["status"] for u in updates][-1] == "ready"
    assert all(u["status"] == "draft" for u in updates[:-1])
    assert (updates[-1]["progress"], updates[-1]["clips_total"]) == (1.0, 2)


async def test_the_stream_of_a_failed_batch_ends_with_the_error(
    client: httpx.AsyncClient,
    new_batch: NewBatch,
    pipeline: Any,
    batch_in_state: Callable[..., Awaitable[Any]],
) -> None:
    batch = await new_batch()
    await pipeline.publish(pipeline.failed(batch))
    await batch_in_state(batch["batch_id"], status="failed")

    async with (
        asyncio.timeout(60),
        aconnect_sse(
            client, "GET", f"/clip-batches/{batch['batch_id']}/events", timeout=STREAM_TIMEOUT
        ) as source,
    ):
        updates = [json.loads(sse.data) async for sse in source.aiter_sse()]

    assert len(updates) == 1
    assert (updates[0]["status"], updates[0]["error_message"]) == (
        "failed",
        "Scoring failed: LLM unreachable.",
    )
