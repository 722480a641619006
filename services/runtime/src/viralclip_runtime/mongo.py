"""MongoDB wiring: one `AsyncMongoClient` per process, created in the service lifespan."""

import asyncio
import importlib
import re
import sys
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from .settings import ServiceSettings

Document = dict[str, Any]
_CREDENTIALS = re.compile(r"(?<=://)[^@/]*@")


def redact_uri(uri: str) -> str:
    """The connection string with any `user:password@` replaced, safe to log."""
    return _CREDENTIALS.sub("***@", uri)


# PyMongo's async client waits on its topology and pool conditions with `asyncio.wait_for`. Before
# Python 3.12, a cancellation landing while wait_for cancels its inner task orphans that task, which then
# takes the topology lock for good (cpython#86296): after a database outage during which operations
# were cancelled (a TaskGroup failing, a timeout around a query) every later operation waits forever.
_MODULES_WAITING_ON_CONDITIONS = (
    "pymongo.lock",
    "pymongo.asynchronous.topology",
    "pymongo.asynchronous.pool",
)


async def _wait_on_condition(condition: Any, timeout: float | None) -> bool:
    """PyMongo's condition wait, in the caller's own task (as wait_for does from Python 3.12 on)."""
    try:
        async with asyncio.timeout(timeout):
            return bool(await condition.wait())
    except TimeoutError:
        return False


def _keep_pymongo_waits_cancellable() -> None:
    if sys.version_info >= (3, 12):
        return
    for name in _MODULES_WAITING_ON_CONDITIONS:
        module = importlib.import_module(name)
        if hasattr(module, "_async_cond_wait"):
            vars(module)["_async_cond_wait"] = _wait_on_condition


def connect_mongo(
    settings: ServiceSettings, *, server_selection_timeout_ms: int = 5_000, socket_timeout_ms: int = 30_000
) -> AsyncMongoClient[Document]:
    """A client for `settings.mongodb_uri` (connects lazily; `await client.close()` on shutdown).

    Every operation is a few documents; one that gets no answer within `socket_timeout_ms` (a hung
    server, not a stopped one) fails with a transient `NetworkTimeout` instead of waiting forever."""
    _keep_pymongo_waits_cancellable()
    return AsyncMongoClient(
        settings.mongodb_uri.get_secret_value(),
        tz_aware=True,
        serverSelectionTimeoutMS=server_selection_timeout_ms,
        connectTimeoutMS=server_selection_timeout_ms,
        socketTimeoutMS=socket_timeout_ms,
        appname="viralclip",
    )


def database(client: AsyncMongoClient[Document], settings: ServiceSettings) -> AsyncDatabase[Document]:
    return client[settings.mongodb_database]
