"""Where exports live under the media root, and the per-export lock that keeps one render at a time.

- `exports/<batch_id>/<export_id>.mp4` — the finished file, the only thing batch-api serves; it appears
  by an atomic rename of a checked render, so an existing file is always whole;
- `exports/.work/<export_id>/` — the render's scratch space (captions, the partial MP4); removed after a
  render, and removed before the next attempt when a crashed one left it;
- `exports/.faces/<batch_id>/<key>.json` — the face pass's samples of one clip range, reused by the
  next `face` export of the same range (`face_samples.py`);
- `exports/.locks/<export_id>.lock` — an advisory `flock` held while rendering, so two replicas handed the
  same export (a redelivery after a rebalance) never render it at once; the kernel drops it with its
  process, so a killed render never blocks the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath

EXPORTS_DIR = "exports"
WORK_DIR = ".work"
LOCKS_DIR = ".locks"
FACES_DIR = ".faces"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
LOCK_POLL_SEC = 0.25


class UnsafeId(ValueError):
    """An id cannot name a file."""


def export_relative_path(batch_id: str, export_id: str) -> str:
    """`exports/<batch_id>/<export_id>.mp4`, relative to the media root."""
    _check_id("batch_id", batch_id)
    _check_id("export_id", export_id)
    return str(PurePosixPath(EXPORTS_DIR, batch_id, f"{export_id}.mp4"))


def work_dir(media_root: Path, export_id: str) -> Path:
    """The scratch directory of one export's render."""
    _check_id("export_id", export_id)
    return media_root / EXPORTS_DIR / WORK_DIR / export_id


def face_samples_dir(media_root: Path, batch_id: str) -> Path:
    """The directory of one batch's kept face samples."""
    _check_id("batch_id", batch_id)
    return media_root / EXPORTS_DIR / FACES_DIR / batch_id


def lock_path(media_root: Path, export_id: str) -> Path:
    _check_id("export_id", export_id)
    return media_root / EXPORTS_DIR / LOCKS_DIR / f"{export_id}.lock"


class LockTimeout(Exception):
    """Another process held the export's lock for longer than we waited."""


@contextlib.asynccontextmanager
async def export_lock(path: Path, *, wait_sec: float) -> AsyncIterator[None]:
    """Hold the exclusive advisory lock at `path`, waiting up to `wait_sec` for another holder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        give_up = time.monotonic() + wait_sec
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    raise LockTimeout(f"{path.name} is still held after {wait_sec:g} s") from None
                await asyncio.sleep(LOCK_POLL_SEC)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _check_id(field: str, value: str) -> None:
    if not _SAFE_ID.fullmatch(value):
        raise UnsafeId(f"{field} {value!r} cannot name a file: use letters, digits, '.', '_' or '-'")
