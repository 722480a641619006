"""Example: another team's service consuming viralclip's clip events (see docs/SUBSCRIBING.md).

    pip install viralclip-contracts aiokafka        # the wheel from `uv build --package viralclip-contracts`
    python clip_subscriber.py --bootstrap localhost:29092 --group my-team-clips

It joins its own consumer group, validates every record with the published models, handles each
event once (records are delivered at least once; `event_id` de-duplicates) and commits an offset only
after the record was handled. A record that does not validate is logged and skipped, never retried.
It prints one JSON line per event it handled.
"""

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from uuid import UUID

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from viralclip_contracts import CLIPS_SCORED, THUMBNAILS_DONE, ClipsScored, ThumbnailsDone

logger = logging.getLogger("clip_subscriber")

ClipEvent = ClipsScored | ThumbnailsDone
Handler = Callable[[str, ClipEvent], Awaitable[None]]
MODELS: dict[str, type[ClipEvent]] = {CLIPS_SCORED: ClipsScored, THUMBNAILS_DONE: ThumbnailsDone}


class InvalidEvent(Exception):
    """A record that is not a valid event of its topic (not JSON, a contract violation, a newer version)."""


class SeenEvents:
    """Event ids already handled, newest kept. A real service stores the id with its own write instead."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._ids: OrderedDict[UUID, None] = OrderedDict()
        self._capacity = capacity

    def first_time(self, event_id: UUID) -> bool:
        """True the first time an id is offered (and remembers it)."""
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self._capacity:
            self._ids.popitem(last=False)
        return True


def parse(contract_topic: str, value: bytes | None) -> ClipEvent:
    """The validated event of a record on `contract_topic`; `InvalidEvent` says why it is not one."""
    try:
        return MODELS[contract_topic].model_validate_json(value or b"")
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "<record>"
        raise InvalidEvent(f"{where}: {first['msg']}") from error


async def print_summary(contract_topic: str, event: ClipEvent) -> None:
    """The example's business logic: one JSON line per event, the best clip first."""
    best = event.clips[0] if event.clips else None
    line = {
        "topic": contract_topic,
        "event_id": str(event.event_id),
        "batch_id": event.batch_id,
        "job_id": event.job_id,
        "clips": len(event.clips),
        "best": None
        if best is None
        else {"title": best.title, "viral_score": best.viral_score, "thumbnail": best.thumbnail_path},
    }
    print(json.dumps(line), flush=True)


async def consume(
    bootstrap: str,
    group: str,
    handler: Handler,
    *,
    topic_suffix: str = "",
    stop: asyncio.Event | None = None,
    max_events: int | None = None,
) -> int:
    """Handle clip events until `stop` is set or `max_events` were handled; return how many were."""
    stop = stop or asyncio.Event()
    topics = {f"{topic}{topic_suffix}": topic for topic in MODELS}
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group,
        client_id=group,
        enable_auto_commit=False,  # commit after handling: at-least-once
        auto_offset_reset="earliest",  # a new group starts with the events already published
        fetch_max_wait_ms=100,
    )
    seen = SeenEvents()
    handled = 0
    announced = False
    await consumer.start()
    try:
        while not stop.is_set() and (max_events is None or handled < max_events):
            batches = await consumer.getmany(timeout_ms=500, max_records=100)
            if not announced and consumer.assignment():
                announced = True
                logger.info("listening on %s as group %s", ", ".join(sorted(topics)), group)
            for partition, records in batches.items():
                for record in records:
                    handled += await _handle(record, topics[record.topic], handler, seen)
                    await consumer.commit({partition: record.offset + 1})
                    if max_events is not None and handled >= max_events:
                        return handled
    finally:
        await consumer.stop()
    return handled


async def _handle(
    record: ConsumerRecord[bytes, bytes], contract_topic: str, handler: Handler, seen: SeenEvents
) -> int:
    try:
        event = parse(contract_topic, record.value)
    except InvalidEvent as error:
        logger.warning(
            "skipped invalid record %s[%d]@%d: %s", record.topic, record.partition, record.offset, error
        )
        return 0
    if not seen.first_time(event.event_id):
        logger.info("skipped duplicate event %s", event.event_id)
        return 0
    await handler(contract_topic, event)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Command line: consume until Ctrl-C / SIGTERM (or `--max-events`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:29092"))
    parser.add_argument("--group", default="example-clip-subscriber", help="your team's consumer group")
    parser.add_argument("--topic-suffix", default="", help="appended to the topic names (test isolation)")
    parser.add_argument("--max-events", type=int, default=None, help="exit after handling this many")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await consume(
            args.bootstrap,
            args.group,
            print_summary,
            topic_suffix=args.topic_suffix,
            stop=stop,
            max_events=args.max_events,
        )

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
