"""MongoDB wiring: one `AsyncMongoClient` per process, created in the service lifespan."""

import re
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from .settings import ServiceSettings

Document = dict[str, Any]
_CREDENTIALS = re.compile(r"(?<=://)[^@/]*@")


def redact_uri(uri: str) -> str:
    """The connection string with any `user:password@` replaced, safe to log."""
    return _CREDENTIALS.sub("***@", uri)


def connect_mongo(
    settings: ServiceSettings, *, server_selection_timeout_ms: int = 5_000
) -> AsyncMongoClient[Document]:
    """A client for `settings.mongodb_uri` (connects lazily; `await client.close()` on shutdown)."""
    return AsyncMongoClient(
        settings.mongodb_uri.get_secret_value(),
        tz_aware=True,
        serverSelectionTimeoutMS=server_selection_timeout_ms,
        connectTimeoutMS=server_selection_timeout_ms,
        appname="viralclip",
    )


def database(client: AsyncMongoClient[Document], settings: ServiceSettings) -> AsyncDatabase[Document]:
    return client[settings.mongodb_database]
