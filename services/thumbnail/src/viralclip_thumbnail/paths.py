"""Where thumbnails live under the media root (the guard itself is `viralclip_media.resolve_media_path`)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from viralclip_media import MediaPathError

THUMBNAILS_DIR = "thumbnails"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def thumbnail_relative_path(batch_id: str, clip_id: str) -> str:
    """Where a clip's thumbnail lives, relative to the media root: thumbnails/<batch>/<clip>.jpg."""
    for field, value in (("batch_id", batch_id), ("clip_id", clip_id)):
        if not _SAFE_ID.fullmatch(value):
            raise MediaPathError(field, f"{value!r} cannot name a file: use letters, digits, '.', '_' or '-'")
    return str(PurePosixPath(THUMBNAILS_DIR, batch_id, f"{clip_id}.jpg"))
