"""`viralclip-dlq`: list dead letters of a topic, and re-drive them to their source topic.

    viralclip-dlq list windows.ready
    viralclip-dlq redrive windows.ready [--kind contract-violation]

Re-driving reads the dead-letter topic in its own consumer group and commits as it goes, so each dead
letter is re-driven once; fix the cause (deploy the fixed producer or consumer) before re-driving.
"""

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from viralclip_contracts import dead_letter_topic

from .deadletter import ERROR_HEADER, KIND_HEADER, SOURCE_OFFSET_HEADER, SOURCE_TOPIC_HEADER
from .settings import ServiceSettings

REDRIVE_GROUP = "viralclip-dlq-redrive"


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    key: str
    headers: dict[str, str]
    value: bytes

    @property
    def kind(self) -> str:
        return self.headers.get(KIND_HEADER, "unknown")

    def summary(self) -> dict[str, object]:
        return {
            "dlq_partition": self.partition,
            "dlq_offset": self.offset,
            "key": self.key,
            "kind": self.kind,
            "error": self.headers.get(ERROR_HEADER, ""),
            "source": f"{self.headers.get(SOURCE_TOPIC_HEADER)}@{self.headers.get(SOURCE_OFFSET_HEADER)}",
            "bytes": len(self.value),
        }


async def _read_to_end(consumer: AIOKafkaConsumer) -> AsyncIterator[DeadLetter]:
    partitions = consumer.assignment()
    end = await consumer.end_offsets(list(partitions))
    remaining = {tp for tp in partitions if await consumer.position(tp) < end[tp]}
    while remaining:
        batches = await consumer.getmany(timeout_ms=1_000)
        for tp, records in batches.items():
            for record in records:
                yield DeadLetter(
                    partition=record.partition,
                    offset=record.offset,
                    key=(record.key or b"").decode(errors="replace"),
                    headers={k: v.decode(errors="replace") for k, v in record.headers},
                    value=record.value or b"",
                )
            if await consumer.position(tp) >= end[tp]:
                remaining.discard(tp)


async def list_dead_letters(bootstrap: str, topic: str) -> list[DeadLetter]:
    """Every dead letter of `topic`, oldest first per partition (reads without a consumer group)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        dlq = dead_letter_topic(topic)
        partitions = [TopicPartition(dlq, p) for p in consumer.partitions_for_topic(dlq) or ()]
        if not partitions:
            await consumer.topics()
            partitions = [TopicPartition(dlq, p) for p in consumer.partitions_for_topic(dlq) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        return [letter async for letter in _read_to_end(consumer)]
    finally:
        await consumer.stop()


async def redrive(bootstrap: str, topic: str, *, kind: str | None = None) -> int:
    """Publish not-yet-re-driven dead letters of `topic` back to it; returns how many were sent."""
    dlq = dead_letter_topic(topic)
    consumer = AIOKafkaConsumer(
        dlq,
        bootstrap_servers=bootstrap,
        group_id=f"{REDRIVE_GROUP}-{topic}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await consumer.start()
    await producer.start()
    sent = 0
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=500)
        async for letter in _read_to_end(consumer):
            if kind is None or letter.kind == kind:
                await producer.send_and_wait(topic, letter.value, key=letter.key.encode())
                sent += 1
            await consumer.commit({TopicPartition(dlq, letter.partition): letter.offset + 1})
    finally:
        await producer.stop()
        await consumer.stop()
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="viralclip-dlq", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["list", "redrive"])
    parser.add_argument("topic", help="the source topic, e.g. windows.ready")
    parser.add_argument("--kind", help="only this error kind (redrive)")
    args = parser.parse_args()
    bootstrap = ServiceSettings.load().kafka_bootstrap_servers
    if args.command == "list":
        for letter in asyncio.run(list_dead_letters(bootstrap, args.topic)):
            print(json.dumps(letter.summary()))
    else:
        count = asyncio.run(redrive(bootstrap, args.topic, kind=args.kind))
        print(f"re-drove {count} dead letter(s) to {args.topic}", file=sys.stderr)


if __name__ == "__main__":
    main()
