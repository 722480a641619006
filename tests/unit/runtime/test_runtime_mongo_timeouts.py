"""A MongoDB server that stops answering (hung, not gone) fails an operation with a transient error after
the socket timeout, so the delivery retries it and then nacks, instead of the handler waiting forever."""

import asyncio
import contextlib
import itertools
import struct
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import bson
import pytest
from pymongo.errors import ConnectionFailure

from viralclip_runtime import TRANSIENT_ERRORS, ServiceSettings, connect_mongo

OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013
_ids = itertools.count(1)


def _command(opcode: int, body: bytes) -> dict[str, Any]:
    if opcode == OP_MSG:  # flagBits, then a kind-0 section holding the command
        return bson.decode(body[5 : 5 + int.from_bytes(body[5:9], "little")])
    if opcode == OP_QUERY:  # flags, collection name (C string), skip, limit, then the command
        start = body.index(b"\x00", 4) + 1 + 8
        return bson.decode(body[start : start + int.from_bytes(body[start : start + 4], "little")])
    return {}


def _reply(opcode: int, request_id: int, document: dict[str, Any]) -> bytes:
    if opcode == OP_MSG:
        payload, reply_opcode = struct.pack("<I", 0) + b"\x00" + bson.encode(document), OP_MSG
    else:
        payload, reply_opcode = struct.pack("<iqii", 0, 0, 0, 1) + bson.encode(document), OP_REPLY
    return struct.pack("<iiii", 16 + len(payload), next(_ids), request_id, reply_opcode) + payload


async def _hung_after_hello(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers the handshake and monitoring `hello`, then never answers anything else."""
    hello = {
        "ismaster": True,
        "isWritablePrimary": True,
        "helloOk": True,
        "minWireVersion": 0,
        "maxWireVersion": 21,
        "maxBsonObjectSize": 16 * 1024 * 1024,
        "maxMessageSizeBytes": 48_000_000,
        "maxWriteBatchSize": 100_000,
        "logicalSessionTimeoutMinutes": 30,
        "ok": 1.0,
    }
    with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
        while True:
            length, request_id, _, opcode = struct.unpack("<iiii", await reader.readexactly(16))
            command = _command(opcode, await reader.readexactly(length - 16))
            if next(iter(command), "").lower() in ("hello", "ismaster"):
                writer.write(_reply(opcode, request_id, {**hello, "localTime": datetime.now(UTC)}))
                await writer.drain()
    writer.close()


@contextlib.asynccontextmanager
async def hung_server() -> AsyncIterator[str]:
    server = await asyncio.start_server(_hung_after_hello, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"mongodb://127.0.0.1:{port}/?directConnection=true"
    finally:
        server.close()


async def test_an_operation_on_a_server_that_stopped_answering_fails_as_transient() -> None:
    async with hung_server() as uri:
        client = connect_mongo(ServiceSettings(mongodb_uri=uri), socket_timeout_ms=300)
        try:
            with pytest.raises(ConnectionFailure) as failed:
                await asyncio.wait_for(client["viralclip"]["videos"].find_one({"_id": "v-1"}), timeout=15)
            assert isinstance(failed.value, TRANSIENT_ERRORS)  # so `deliver` retries, then nacks
        finally:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.close(), timeout=5)


def test_every_client_has_a_socket_timeout() -> None:
    client = connect_mongo(ServiceSettings())

    assert client.options.pool_options.socket_timeout == 30.0
