"""In-process signal that some batch changed, so event streams re-read at once instead of waiting.

Streams still re-read on a timer: another replica's projector may have written the change.
"""

import asyncio


class BatchChanges:
    """A broadcast: `notify()` wakes everyone who `watch()`ed before it."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def notify(self) -> None:
        """Wake every current watcher, then start a new round."""
        self._changed.set()
        self._changed = asyncio.Event()

    def watch(self) -> asyncio.Event:
        """Take this before reading, so a change made while reading is not missed."""
        return self._changed

    @staticmethod
    async def wait(watched: asyncio.Event, timeout: float) -> bool:
        """True when a change was notified since `watched` was taken, False after `timeout`."""
        try:
            await asyncio.wait_for(watched.wait(), timeout=timeout)
        except TimeoutError:
            return False
        return True
