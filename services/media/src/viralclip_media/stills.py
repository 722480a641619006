"""Still frames as JPEGs, decoded in-process with PyAV (FFmpeg's libraries in this process, no child).

One call opens the video once per worker and makes every requested still: seek to the keyframe before
the moment, decode up to the first frame at or after it (the frame ffmpeg's accurate `-ss` before `-i`
gives), turn it upright when the file rotates its frames for display (ffmpeg does this as it decodes,
libav does not: a phone's portrait video would come out on its side), run it through an ffmpeg filter
chain (crop, scale) and encode it with FFmpeg's mjpeg encoder.
This costs one open and one codec set-up per worker instead of a process per frame (measured in
`docs/BENCHMARKS.md`). The decoding is CPU-bound, so it runs in threads (libav releases the GIL), each
taking a consecutive share of the moments so it only seeks forward.

Each still fails alone: its result is the error instead of the bytes. A still has a deadline, checked
between decoded frames (a thread cannot be killed, so a single libav call is not interrupted); a
cancelled caller stops the workers at their next frame. `StillsUnavailable` means this video cannot be
decoded in-process at all (no demuxer or decoder for it): the caller may fall back to the ffmpeg binary.
"""

from __future__ import annotations

import asyncio
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import av.error
import av.filter

from .runner import FfmpegError, FfmpegTimeout

JPEG_QSCALE = 3
"""mjpeg quantiser scale, like ffmpeg's `-q:v`: 2 (best) … 31 (worst)."""
_EPSILON_SEC = 1e-6


class StillFailed(FfmpegError):
    """One still could not be made; the message says which moment and why."""


class StillsUnavailable(StillFailed):
    """The video cannot be opened or decoded in-process (the ffmpeg binary may still manage)."""


@dataclass(frozen=True)
class StillRequest:
    """A still at `at_sec` of the video, through the ffmpeg filter chain `filters` (may be empty)."""

    at_sec: float
    filters: str = ""


StillResult = bytes | FfmpegError


class StillMaker(ABC):
    """Port: makes JPEG stills of one video; one result per request, in order."""

    @abstractmethod
    async def stills(
        self, source: Path, requests: Sequence[StillRequest], *, timeout_sec: float, workers: int
    ) -> list[StillResult]:
        """A JPEG (bytes) or the error, per request; `timeout_sec` is each still's deadline."""


class PyAvStillMaker(StillMaker):
    """Decodes in this process with PyAV, in `workers` threads."""

    async def stills(
        self, source: Path, requests: Sequence[StillRequest], *, timeout_sec: float, workers: int
    ) -> list[StillResult]:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if not requests:
            return []
        order = sorted(range(len(requests)), key=lambda i: requests[i].at_sec)
        shares = _consecutive(order, min(workers, len(order)))
        stop = threading.Event()
        jobs = [
            asyncio.to_thread(_decode_share, source, [requests[i] for i in share], timeout_sec, stop)
            for share in shares
        ]
        try:
            done = await asyncio.gather(*jobs)
        finally:
            stop.set()
        results: list[StillResult] = [StillFailed("not made")] * len(requests)
        for share, share_results in zip(shares, done, strict=True):
            for index, result in zip(share, share_results, strict=True):
                results[index] = result
        return results


def _consecutive(order: Sequence[int], parts: int) -> list[list[int]]:
    size, extra = divmod(len(order), max(1, parts))
    shares, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        shares.append(list(order[start:end]))
        start = end
    return [share for share in shares if share]


def _decode_share(
    source: Path, requests: Sequence[StillRequest], timeout_sec: float, stop: threading.Event
) -> list[StillResult]:
    try:
        container = av.open(str(source))
    except (av.error.FFmpegError, OSError) as error:
        failure = StillsUnavailable(f"the video could not be opened for decoding: {_reason(error)}")
        return [failure] * len(requests)
    with container:
        if not container.streams.video:
            return [StillsUnavailable("the file has no video stream")] * len(requests)
        stream = container.streams.video[0]
        stream.thread_type = "NONE"
        encoder = _Encoder()
        graphs: dict[tuple[str, str], _Chain] = {}
        start = (container.start_time or 0) / 1_000_000  # as in ffmpeg, a moment counts from the file's start
        results: list[StillResult] = []
        for request in requests:
            try:
                deadline = time.monotonic() + timeout_sec
                frame = _frame_at(container, stream, start, request.at_sec, deadline, stop)
                key = (upright_filters(frame.rotation), request.filters)
                chain = graphs.get(key) or graphs.setdefault(key, _Chain(stream, ",".join(filter(None, key))))
                results.append(encoder.jpeg(chain.apply(frame)))
            except FfmpegError as error:
                results.append(error)
            except (av.error.FFmpegError, ValueError) as error:
                results.append(StillFailed(f"no still at {request.at_sec:.2f} s: {_reason(error)}"))
        return results


def upright_filters(rotation: float) -> str:
    """The filters that turn a frame rotated `rotation` degrees counter-clockwise for display (a display
    matrix, as libav reports it) upright — what ffmpeg's own autorotation inserts."""
    quarter_turns = round(rotation / 90) % 4
    return {0: "", 1: "transpose=cclock", 2: "hflip,vflip", 3: "transpose=clock"}[quarter_turns]


def _frame_at(
    container: Any, stream: Any, start: float, at_sec: float, deadline: float, stop: threading.Event
) -> Any:
    """The first frame at or after `start + at_sec`, decoding from the keyframe before it."""
    target = start + at_sec
    try:
        container.seek(max(0, int(target / stream.time_base)), stream=stream, backward=True)
    except av.error.FFmpegError as error:
        raise StillFailed(f"could not seek to {at_sec:.2f} s: {_reason(error)}") from None
    try:
        for frame in container.decode(stream):
            if stop.is_set():
                raise StillFailed(f"stopped before the frame at {at_sec:.2f} s")
            if time.monotonic() > deadline:
                raise FfmpegTimeout(f"decoding the frame at {at_sec:.2f} s passed its deadline")
            if frame.time is not None and frame.time >= target - _EPSILON_SEC:
                return frame
    except av.error.DecoderNotFoundError as error:
        raise StillsUnavailable(f"no decoder for this video: {_reason(error)}") from None
    raise StillFailed(f"no frame at {at_sec:.2f} s (is it past the end of the video?)")


class _Chain:
    """One filter graph (buffer → the chain → full-range yuv for JPEG → sink), reused across frames."""

    def __init__(self, stream: Any, filters: str) -> None:
        self.graph = av.filter.Graph()
        chain = ",".join(part for part in (filters, "format=yuvj420p") if part)
        source = self.graph.add_buffer(template=stream)
        sink = self.graph.add("buffersink")
        self._parse(source, chain, sink)
        self.graph.configure()

    def _parse(self, source: Any, chain: str, sink: Any) -> None:
        previous = source
        for step in _split_filters(chain):
            name, _, arguments = step.partition("=")
            node = self.graph.add(name, arguments or None)
            previous.link_to(node)
            previous = node
        previous.link_to(sink)

    def apply(self, frame: Any) -> Any:
        self.graph.push(frame)
        return self.graph.pull()


class _Encoder:
    """FFmpeg's mjpeg encoder at a fixed quantiser, one context per output size."""

    def __init__(self) -> None:
        self._contexts: dict[tuple[int, int], Any] = {}

    def jpeg(self, frame: Any) -> bytes:
        context = self._contexts.get((frame.width, frame.height))
        if context is None:
            context = av.CodecContext.create("mjpeg", "w")
            context.width, context.height, context.pix_fmt = frame.width, frame.height, "yuvj420p"
            context.time_base = frame.time_base
            context.options = {"qmin": str(JPEG_QSCALE), "qmax": str(JPEG_QSCALE)}
            context.open()
            self._contexts[(frame.width, frame.height)] = context
        return b"".join(bytes(packet) for packet in context.encode(frame))


def _split_filters(chain: str) -> list[str]:
    """`a=x,b='p,q'` → [`a=x`, `b='p,q'`]: commas inside quotes belong to the argument."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in chain:
        if char == "'":
            quoted = not quoted
        if char == "," and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if current:
        parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _reason(error: BaseException) -> str:
    strerror = getattr(error, "strerror", None)
    return str(strerror or error) or type(error).__name__
