"""A MongoDB client stays usable after operations were cancelled while no server answered.

On Python 3.11, PyMongo's async client waits for a server with `asyncio.wait_for`; a cancellation that
lands while wait_for cancels its inner task (a TaskGroup cancelling siblings after one failed, as the
scorer's concurrent calls do during a database outage) orphans that task, which then holds the
client's topology lock for good: every later operation waits forever. `connect_mongo` prevents that.

The storm runs in a child process: without the fix it hangs, and a hung client must not hang pytest.
"""

import asyncio
import sys
import textwrap

STORM = textwrap.dedent(
    """
    import asyncio, random, socket, time
    from pymongo.errors import ServerSelectionTimeoutError
    from viralclip_runtime import ServiceSettings
    from viralclip_runtime.mongo import connect_mongo

    with socket.socket() as sock:  # a port nobody listens on: the database is away
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    async def main() -> None:
        client = connect_mongo(ServiceSettings(mongodb_uri=f"mongodb://127.0.0.1:{port}"),
                               server_selection_timeout_ms=1_000)
        things = client["viralclip_test"]["things"]
        starts = random.Random(114)

        async def find(number: int) -> None:
            await asyncio.sleep(starts.uniform(0, 0.5))
            await things.find_one({"_id": number})

        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                async with asyncio.TaskGroup() as group:
                    for number in range(8):
                        group.create_task(find(number))
            except* ServerSelectionTimeoutError:
                pass
        try:
            await client["viralclip_test"].command("ping")
        except ServerSelectionTimeoutError:
            print("the client still answers", flush=True)
        await client.close()

    asyncio.run(main())
    """
)


async def test_operations_cancelled_while_no_server_answers_leave_the_client_usable() -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", STORM, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await asyncio.wait_for(child.communicate(), timeout=20)
    except TimeoutError:
        child.kill()
        await child.wait()
        raise AssertionError("the MongoDB client hung after its operations were cancelled") from None
    assert child.returncode == 0, output.decode(errors="replace")[-2000:]
    assert b"the client still answers" in output
