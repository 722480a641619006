"""A small client of the viralclip REST API, as a frontend would use it (demo, tests, benchmarks)."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from viralclip_contracts import Video

TERMINAL = frozenset({"ready", "final", "failed"})
EXPORT_ENDED = frozenset({"done", "failed"})


class ApiError(RuntimeError):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(
            f"{response.request.method} {response.request.url} → {response.status_code}: "
            f"{response.text[:500]}"
        )
        self.status_code = response.status_code


class ViralclipClient:
    """`base_url` ends in `/viral-clip`, e.g. `http://127.0.0.1:8000/viral-clip`."""

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 30.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)

    async def __aenter__(self) -> "ViralclipClient":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, path, **kwargs)
        if response.is_error:
            raise ApiError(response)
        return response.json()

    async def register_video(self, video: Video) -> dict[str, Any]:
        """POST /videos with the video's media path, transcript (JSON segments) and scenes."""
        body = video.model_dump(mode="json")
        return dict(await self._call("POST", "/videos", json=body))

    async def create_batch(
        self, video_id: str, *, idempotency_key: str | None = None, **config: Any
    ) -> dict[str, Any]:
        """POST /videos/{id}/clip-batches → the batch (202) with its job id."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return dict(
            await self._call("POST", f"/videos/{video_id}/clip-batches", json=config, headers=headers)
        )

    async def batch(self, batch_id: str) -> dict[str, Any]:
        return dict(await self._call("GET", f"/clip-batches/{batch_id}"))

    async def retry_batch(self, batch_id: str) -> dict[str, Any]:
        """POST /clip-batches/{id}/retry: a failed batch starts over as a new job."""
        return dict(await self._call("POST", f"/clip-batches/{batch_id}/retry"))

    async def clips(self, batch_id: str, **params: Any) -> list[dict[str, Any]]:
        page = await self._call("GET", f"/clip-batches/{batch_id}/clips", params={"limit": 100, **params})
        return list(page["data"])

    async def wait_until_done(self, batch_id: str, *, timeout: float = 180.0) -> dict[str, Any]:
        """Poll until the batch is ready, final or failed; return it."""
        deadline = time.monotonic() + timeout
        while True:
            batch = await self.batch(batch_id)
            if batch["status"] in TERMINAL:
                return batch
            if time.monotonic() > deadline:
                raise _still_running(batch, timeout)
            await asyncio.sleep(0.1)

    async def follow_until_done(self, batch_id: str, *, timeout: float = 180.0) -> dict[str, Any]:
        """Follow the batch's event stream until it is ready, final or failed; return it. What a page
        does: the server pushes each change, where `wait_until_done` asks ten times a second."""
        try:
            async with asyncio.timeout(timeout):
                async for update in self.progress(batch_id):
                    if update.get("status") in TERMINAL:
                        break
        except TimeoutError:
            raise _still_running(await self.batch(batch_id), timeout) from None
        return await self.batch(batch_id)

    async def progress(self, batch_id: str) -> AsyncIterator[Mapping[str, Any]]:
        """The batch's server-sent progress events until it ends."""
        async with aconnect_sse(
            self.http, "GET", f"/clip-batches/{batch_id}/events", timeout=httpx.Timeout(30.0, read=None)
        ) as source:
            async for sse in source.aiter_sse():
                if not sse.data:
                    continue
                update: Mapping[str, Any] = json.loads(sse.data)
                yield update
                if update.get("status") in TERMINAL:
                    return

    async def export_clips(self, batch_id: str, **body: Any) -> list[dict[str, Any]]:
        """POST /clip-batches/{id}/exports (`top=N` or `clip_ids=[...]`, plus render overrides) → exports."""
        page = await self._call("POST", f"/clip-batches/{batch_id}/exports", json=body)
        return list(page["data"])

    async def export(self, export_id: str) -> dict[str, Any]:
        return dict(await self._call("GET", f"/exports/{export_id}"))

    async def wait_for_exports(
        self,
        export_ids: list[str],
        *,
        timeout: float,
        on_change: Callable[[dict[str, Any]], None] | None = None,
    ) -> list[dict[str, Any]]:
        """Poll until every export is done or failed; return them in the given order. `on_change` sees each
        new status or progress. Past `timeout`, a TimeoutError names the exports still unfinished."""
        deadline = time.monotonic() + timeout
        seen: dict[str, tuple[str, float]] = {}
        while True:
            exports = [await self.export(export_id) for export_id in export_ids]
            for export in exports:
                now = (str(export["status"]), round(float(export["progress"]), 2))
                if on_change is not None and seen.get(export["export_id"]) != now:
                    on_change(export)
                seen[export["export_id"]] = now
            waiting = [e for e in exports if e["status"] not in EXPORT_ENDED]
            if not waiting:
                return exports
            if time.monotonic() > deadline:
                states = ", ".join(
                    f"{e['export_id']} {e['status']} ({float(e['progress']):.0%})" for e in waiting
                )
                raise TimeoutError(f"exports not finished after {timeout:.0f} s: {states}")
            await asyncio.sleep(0.5)


def _still_running(batch: Mapping[str, Any], timeout: float) -> TimeoutError:
    return TimeoutError(
        f"batch {batch['batch_id']} still {batch['status']}/{batch['stage']} after {timeout:.0f} s"
    )
