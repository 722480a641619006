"""Session fixtures: a real Kafka-protocol broker and a real MongoDB-protocol server.

Chosen in this order: the `KAFKA_BOOTSTRAP_SERVERS` / `MONGODB_URI` environment variables; containers
(Apache Kafka KRaft + MongoDB) when a Docker engine answers or `VIRALCLIP_TEST_CONTAINERS=1`; otherwise
the embedded stack from `deploy/local`. Each test gets its own database name and ids.
"""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from viralclip_localstack.stack import EmbeddedStack
from viralclip_testkit.containers import container_stack, docker_engine_available

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def stack_env() -> Iterator[dict[str, str]]:
    """The variables services read to reach the broker and the database."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("MONGODB_URI"):
        yield {
            "KAFKA_BOOTSTRAP_SERVERS": os.environ["KAFKA_BOOTSTRAP_SERVERS"],
            "MONGODB_URI": os.environ["MONGODB_URI"],
        }
    elif os.environ.get("VIRALCLIP_TEST_CONTAINERS") == "1" or docker_engine_available():
        with container_stack() as env:
            yield env
    else:
        with EmbeddedStack(env={}) as stack:
            yield stack.env


@pytest.fixture(scope="session")
def kafka_bootstrap(stack_env: dict[str, str]) -> str:
    return stack_env["KAFKA_BOOTSTRAP_SERVERS"]


@pytest.fixture(scope="session")
def mongodb_uri(stack_env: dict[str, str]) -> str:
    return stack_env["MONGODB_URI"]


@pytest.fixture(scope="session")
async def mongo_client(mongodb_uri: str) -> AsyncIterator[AsyncMongoClient[dict[str, object]]]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_uri, tz_aware=True)
    yield client
    await client.close()


@pytest.fixture
async def mongo_db(
    mongo_client: AsyncMongoClient[dict[str, object]],
) -> AsyncIterator[AsyncDatabase[dict[str, object]]]:
    """A database of its own for this test, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield mongo_client[name]
    await mongo_client.drop_database(name)


@pytest.fixture
def unique_id() -> "UniqueIds":
    return UniqueIds()


class UniqueIds:
    """Ids no other test uses: `unique_id("b")` → `b-3f9a0d1b2c`."""

    def __call__(self, prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}"
