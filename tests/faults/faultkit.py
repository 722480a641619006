"""What the fault tests observe from outside the services, and the faults they inject.

Observation: consumer-group offsets (has every group committed everything?), the documents in MongoDB,
the services' JSON logs, readiness answers. Injection: a stand-in ffmpeg that can be slowed down,
freezing a process (SIGSTOP/SIGCONT), re-publishing records exactly as they were.
"""

import asyncio
import contextlib
import json
import os
import signal
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_contracts import BATCH_PIPELINE, PIPELINE_TOPICS
from viralclip_localstack.processes import ChildProcess
from viralclip_testkit.kafka_probe import partitions_of
from viralclip_testkit.media import ffmpeg_executable
from viralclip_testkit.responses_double import RecordedCall
from viralclip_testkit.system import RunningSystem
from viralclip_testkit.waiting import eventually

Record: TypeAlias = ConsumerRecord[bytes, bytes]
Document = dict[str, Any]

GROUP_TOPICS: dict[str, tuple[str, ...]] = {
    **{f"viralclip-{worker}": topics for worker, topics in BATCH_PIPELINE.consumers.items()},
    "viralclip-batch-api": PIPELINE_TOPICS,
}
"""Each batch-pipeline service's consumer group and the topics it consumes (the pipeline table's)."""

SERVICES = ("batch-api", *BATCH_PIPELINE.workers)
"""The services of the batch pipeline: batch-api, then its workers in the table's order."""
DUPLICATE_SKIPPED = "duplicate event skipped"
PIPELINE_COLLECTIONS = ("clip_batches", "jobs", "windows", "clips", "clip_llm_contexts")


# --- Kafka ---------------------------------------------------------------------------------------


async def uncommitted(bootstrap: str) -> dict[str, int]:
    """Per consumer group: records of its topics it has not committed (acknowledged) yet."""
    behind: dict[str, int] = {}
    for group, topics in GROUP_TOPICS.items():
        # Not subscribed, so it never joins the group: it only reads the group's committed offsets.
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = await partitions_of(consumer, topics)
            ends = await consumer.end_offsets(partitions)
            committed = [await consumer.committed(tp) or 0 for tp in partitions]
            behind[group] = sum(max(0, ends[tp] - c) for tp, c in zip(partitions, committed, strict=True))
        finally:
            await consumer.stop()
    return behind


async def wait_until_consumed(bootstrap: str, *, timeout: float = 60.0) -> None:
    """Wait until every consumer group has committed every record of its topics."""

    async def all_committed() -> bool:
        return not any((await uncommitted(bootstrap)).values())

    await eventually(all_committed, timeout=timeout, interval=0.2, what="every group to commit everything")


async def republish(bootstrap: str, records: Iterable[Record]) -> int:
    """Publish each record again as it was (topic, key, value, headers); returns how many."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    sent = 0
    try:
        for record in records:
            await producer.send_and_wait(
                record.topic, record.value, key=record.key, headers=list(record.headers)
            )
            sent += 1
    finally:
        await producer.stop()
    return sent


async def publish_located(bootstrap: str, topic: str, value: bytes, *, key: str) -> tuple[int, int]:
    """Publish bytes as they are; returns the (partition, offset) the broker stored them at."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        stored = await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()
    return stored.partition, stored.offset


async def group_state(bootstrap: str, group: str) -> tuple[str, int]:
    """The consumer group's state (e.g. `Stable`, `PreparingRebalance`) and how many members it has."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (response,) = await admin.describe_consumer_groups([group])
        _error, _group, state, _protocol_type, _protocol, members, *_ = response.groups[0]
        return str(state), len(members)
    finally:
        await admin.close()


# --- MongoDB -------------------------------------------------------------------------------------


async def documents(
    db: AsyncDatabase[Document], collection: str, query: Document | None = None
) -> list[Document]:
    """The matching documents, ordered by `_id`."""
    return await db[collection].find(query or {}).sort("_id", 1).to_list(None)


async def pipeline_state(db: AsyncDatabase[Document]) -> dict[str, list[Document]]:
    """Every document the pipeline writes, collection by collection (the inbox excepted)."""
    return {name: await documents(db, name) for name in PIPELINE_COLLECTIONS}


# --- logs, readiness, processes -------------------------------------------------------------------


def log_records(system: RunningSystem, service: str, message: str) -> list[dict[str, Any]]:
    """The service's JSON log records whose message is exactly `message`, in order."""
    records: list[dict[str, Any]] = []
    for line in system.log(service).splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict) and record.get("message") == message:
                records.append(record)
    return records


def log_count(system: RunningSystem, service: str, message: str) -> int:
    """How many of the service's JSON log lines carry exactly `message`."""
    return len(log_records(system, service, message))


def log_counts(system: RunningSystem, message: str, services: Sequence[str] = SERVICES) -> dict[str, int]:
    return {service: log_count(system, service, message) for service in services}


async def readiness(system: RunningSystem, service: str) -> int:
    """The HTTP status of the service's /readyz (0 when it does not answer)."""
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            return (await http.get(f"{system.fleet.url(service)}/readyz")).status_code
    except httpx.HTTPError:
        return 0


@contextlib.contextmanager
def frozen(process: ChildProcess) -> Iterator[None]:
    """SIGSTOP the process for the block (its sockets stay open, it answers nothing), then SIGCONT."""
    os.kill(process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(process.pid, signal.SIGCONT)


class FfmpegSwitch:
    """A stand-in ffmpeg for the thumbnail service: the real binary, optionally delayed, runs logged."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.executable = root / "ffmpeg"
        self._delay = root / "delay-sec"
        self._runs = root / "runs.log"
        self.executable.write_text(
            "#!/bin/sh\n"
            f'echo "$*" >> "{self._runs}"\n'
            f'if [ -f "{self._delay}" ]; then sleep "$(cat "{self._delay}")"; fi\n'
            f'exec "{ffmpeg_executable()}" "$@"\n'
        )
        self.executable.chmod(self.executable.stat().st_mode | stat.S_IXUSR)

    def slow(self, seconds: float) -> None:
        """Every later ffmpeg run starts `seconds` late."""
        self._delay.write_text(f"{seconds:g}")

    def fast(self) -> None:
        self._delay.unlink(missing_ok=True)

    def frame_runs(self) -> int:
        """ffmpeg runs that extracted a frame (input seeking with -ss), probes excluded."""
        if not self._runs.exists():
            return 0
        return sum(" -ss " in f" {line} " for line in self._runs.read_text().splitlines())

    def render_runs(self) -> int:
        """ffmpeg runs that encoded a clip (the render service's), probes and face passes excluded."""
        if not self._runs.exists():
            return 0
        return sum(" libx264 " in f" {line} " for line in self._runs.read_text().splitlines())


async def in_thread(function: Any, *args: Any) -> Any:
    """Run a blocking call of the harness (process start, database restart) off the event loop."""
    return await asyncio.to_thread(function, *args)


def near_duplicate_clips(clips: Sequence[Document]) -> int:
    """Pairs of clips of one batch that overlap by more than half of the shorter one. A clip's id
    derives from its batch and range, so exact copies cannot exist; a window scored twice (with the
    double's `vary_answers`) shows up as such a pair instead."""
    pairs = 0
    for index, first in enumerate(clips):
        for second in clips[index + 1 :]:
            if first["clip_batch_id"] != second["clip_batch_id"]:
                continue
            overlap = min(first["end_time_sec"], second["end_time_sec"]) - max(
                first["start_time_sec"], second["start_time_sec"]
            )
            shorter = min(first["duration_sec"], second["duration_sec"])
            pairs += overlap > 0.5 * shorter
    return pairs


def crowded_windows(clips: Sequence[Document]) -> int:
    """Windows of a batch with more than one clip: the double answers one clip per window, so a
    second one means the window's answer was stored twice."""
    assert all(clip.get("window_id") for clip in clips), "clips name no window: the count would be empty"
    per_window = Counter((clip["clip_batch_id"], clip["window_id"]) for clip in clips)
    return sum(1 for n in per_window.values() if n > 1)


def calls_in_flight(calls: Sequence[RecordedCall], at: float) -> int:
    """LLM calls the double had received by monotonic time `at`; with the exchanges stored by then
    subtracted, the calls whose answers a fault at `at` could lose."""
    return sum(1 for call in calls if call.received_at <= at)
