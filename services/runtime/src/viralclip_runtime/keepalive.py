"""Keep a consumer inside `max_poll_interval_ms` while a long handler works.

aiokafka heartbeats from a background task, so the session stays alive on its own; but the consumer also
leaves its group when no `getone`/`getmany` call was made for `max_poll_interval_ms`, and FastStream's
consume loop makes that call only between handlers (with `max_workers`, each consumer of the subgroup
runs its own loop, blocked by its own handler the same way). A slow LLM batch would then be taken away
mid-work, redelivered elsewhere and perhaps taken away again.

`poll_kept_alive` polls for the handler: it pauses the consumer's assigned partitions (so a poll returns
nothing and moves no position, and the commit after the handler still covers exactly the handled
message) and calls `getmany(timeout_ms=0)` every `every_sec`, which counts as a poll; when the block ends
it resumes the partitions that are still assigned.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from faststream.kafka import KafkaMessage

logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def poll_kept_alive(message: KafkaMessage, *, every_sec: float) -> AsyncIterator[None]:
    """While the block runs, poll `message`'s consumer (paused) every `every_sec`; a message without a
    real consumer (FastStream's in-memory test broker) is left as it is."""
    consumer = getattr(message, "consumer", None)
    if not isinstance(consumer, AIOKafkaConsumer):
        yield
        return
    paused: set[TopicPartition] = set()
    task = asyncio.create_task(_keep_polling(consumer, paused, every_sec), name="poll-keepalive")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        still_assigned = [tp for tp in paused if tp in consumer.assignment()]
        if still_assigned:
            consumer.resume(*still_assigned)


async def _keep_polling(consumer: AIOKafkaConsumer, paused: set[TopicPartition], every_sec: float) -> None:
    while True:
        await asyncio.sleep(every_sec)
        assigned = consumer.assignment()
        consumer.pause(*assigned)  # a rebalance meanwhile hands over fresh, unpaused partitions
        paused.update(assigned)
        try:
            async with asyncio.timeout(every_sec):
                await consumer.getmany(timeout_ms=0)
        except (KafkaError, TimeoutError) as error:
            logger.debug("keep-alive poll failed; trying again", extra={"error": repr(error)})
        logger.debug("polled to stay in the group while the handler works")
