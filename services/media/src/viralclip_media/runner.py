"""Running ffmpeg (or ffprobe): the runner port, its subprocess implementation, and typed errors.

A run has a deadline: past it the process is killed and waited for, and `FfmpegTimeout` is raised;
a cancelled caller kills it the same way, so no child outlives the call. Standard error is always
captured (its tail, bounded), standard output only on request: as bytes, or as progress reports fed
by ffmpeg's `-progress pipe:1` lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

STDERR_LIMIT = 1024 * 1024
"""Bytes of standard error kept per run (the tail): a banner, a probe or an error report fits."""

_LOG_PREFIX = re.compile(r"^(\[[^\]]*@ 0x[0-9a-f]+\] ?)+")


class FfmpegError(Exception):
    """ffmpeg could not do what was asked; the message says what and why."""


class FfmpegTimeout(FfmpegError):
    """ffmpeg ran past its deadline and was killed."""


class FfmpegNotStarted(FfmpegError):
    """The executable could not be started (missing, not executable)."""


class FfmpegFailed(FfmpegError):
    """ffmpeg exited with a non-zero status; `returncode` and `reason` (its last message) say why."""

    def __init__(self, message: str, *, returncode: int, reason: str) -> None:
        super().__init__(message)
        self.returncode = returncode
        self.reason = reason


@dataclass(frozen=True)
class FfmpegResult:
    """Exit status, the tail of standard error and (when captured) standard output of one run."""

    returncode: int
    stderr: str
    stdout: bytes = b""

    def reason(self) -> str:
        """ffmpeg's last message (usually the cause), without its log prefix, for error messages."""
        return last_message(self.stderr)

    def check(self, doing: str) -> FfmpegResult:
        """This result when the run succeeded, else FfmpegFailed("ffmpeg failed (exit N) <doing>: …")."""
        if self.returncode != 0:
            raise FfmpegFailed(
                f"ffmpeg failed (exit {self.returncode}) {doing}: {self.reason()}",
                returncode=self.returncode,
                reason=self.reason(),
            )
        return self


@dataclass(frozen=True)
class FfmpegProgress:
    """One `-progress` report: how far the output is, and whether this is the last report."""

    out_time_sec: float | None
    frame: int | None
    speed: float | None
    done: bool


ProgressCallback = Callable[[FfmpegProgress], None]


class FfmpegRunner(ABC):
    """Port: runs the media tool with arguments (without the executable) and a deadline."""

    @abstractmethod
    async def run(
        self,
        args: Sequence[str],
        *,
        timeout_sec: float,
        capture_stdout: bool = False,
        on_progress: ProgressCallback | None = None,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> FfmpegResult:
        """Run to completion and return the result (whatever the exit status).

        FfmpegTimeout (after killing it) past `timeout_sec`; FfmpegNotStarted when it cannot start.
        `on_progress` adds `-progress pipe:1` and is called per report; it excludes `capture_stdout`.
        `env`, when given, replaces the process environment.
        """


class SubprocessFfmpegRunner(FfmpegRunner):
    """Runs a real binary (ffmpeg or ffprobe) as a child process; `name` is what messages call it."""

    def __init__(self, executable: str, *, name: str = "ffmpeg") -> None:
        self.executable = executable
        self.name = name

    async def run(
        self,
        args: Sequence[str],
        *,
        timeout_sec: float,
        capture_stdout: bool = False,
        on_progress: ProgressCallback | None = None,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> FfmpegResult:
        if capture_stdout and on_progress is not None:
            raise ValueError("capture_stdout and on_progress both read standard output; choose one")
        progress_args = ("-progress", "pipe:1", "-nostats") if on_progress is not None else ()
        piped = capture_stdout or on_progress is not None
        try:
            process = await asyncio.create_subprocess_exec(
                self.executable,
                *progress_args,
                *args,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE if piped else asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                cwd=cwd,
                env=dict(env) if env is not None else None,
            )
        except OSError as error:
            raise FfmpegNotStarted(f"{self.name} could not be started: {error}") from error
        assert process.stderr is not None
        stderr_tail = asyncio.create_task(_read_tail(process.stderr, STDERR_LIMIT))
        stdout = b""
        try:
            async with asyncio.timeout(timeout_sec):
                if process.stdout is not None:
                    stdout = await _read_stdout(process.stdout, on_progress)
                await process.wait()
                stderr = await stderr_tail
        except TimeoutError:
            raise FfmpegTimeout(
                f"{self.name} did not finish within {timeout_sec:g} s and was killed"
            ) from None
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            stderr_tail.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stderr_tail
        assert process.returncode is not None
        return FfmpegResult(process.returncode, stderr.decode("utf-8", errors="replace"), stdout)


def parse_progress(fields: Mapping[str, str]) -> FfmpegProgress:
    """One report from the `key=value` lines ffmpeg's `-progress` writes up to `progress=…`."""
    out_time_us = _number(fields.get("out_time_us"))
    frame = _number(fields.get("frame"))
    speed = _number(fields.get("speed", "").removesuffix("x"))
    return FfmpegProgress(
        out_time_sec=out_time_us / 1_000_000 if out_time_us is not None and out_time_us >= 0 else None,
        frame=int(frame) if frame is not None else None,
        speed=speed,
        done=fields.get("progress") == "end",
    )


def last_message(stderr: str) -> str:
    """The last non-empty line of ffmpeg's standard error, without its log prefix (at most 300 chars)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return _LOG_PREFIX.sub("", lines[-1])[:300] if lines else "ffmpeg printed nothing"


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


async def _read_tail(stream: asyncio.StreamReader, limit: int) -> bytes:
    tail = b""
    while chunk := await stream.read(64 * 1024):
        tail = (tail + chunk)[-limit:]
    return tail


async def _read_stdout(stream: asyncio.StreamReader, on_progress: ProgressCallback | None) -> bytes:
    if on_progress is None:
        return await stream.read()
    fields: dict[str, str] = {}
    while line := await stream.readline():
        key, _, value = line.decode("utf-8", errors="replace").strip().partition("=")
        fields[key] = value
        if key == "progress":
            on_progress(parse_progress(fields))
            fields = {}
    return b""
