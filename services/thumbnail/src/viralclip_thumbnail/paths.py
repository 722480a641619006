"""Media paths: every file the service reads or writes lies inside the configured media root."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

THUMBNAILS_DIR = "thumbnails"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class MediaPathError(ValueError):
    """A media path is empty, malformed or points outside the media root."""


def resolve_media_path(media_root: Path, relative: str, *, field: str = "media_path") -> Path:
    """The absolute path of `relative` under `media_root`, symlinks resolved; refuse any escape."""
    if not relative or not relative.strip():
        raise MediaPathError(f"{field} is empty")
    if "\x00" in relative:
        raise MediaPathError(f"{field} {relative!r} contains a NUL byte")
    root = media_root.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root):
        raise MediaPathError(f"{field} {relative!r} escapes the media root {root}; refused")
    return candidate


def thumbnail_relative_path(batch_id: str, clip_id: str) -> str:
    """Where a clip's thumbnail lives, relative to the media root: thumbnails/<batch>/<clip>.jpg."""
    for field, value in (("batch_id", batch_id), ("clip_id", clip_id)):
        if not _SAFE_ID.fullmatch(value):
            raise MediaPathError(
                f"{field} {value!r} cannot name a file: use letters, digits, '.', '_' or '-'"
            )
    return str(PurePosixPath(THUMBNAILS_DIR, batch_id, f"{clip_id}.jpg"))
