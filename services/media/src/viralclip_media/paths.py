"""The media-root guard: every media file a service reads or writes lies inside the media root."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# `scheme://…` (any scheme), or a scheme that names a remote or inline resource without slashes
# (`file:/etc/passwd`, `data:…`). A relative name with a colon (`talk:part2.mp4`) stays a path.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|(?:file|https?|ftps?|sftp|data|s3|gs|rtmps?|rtsp|smb):", re.I)


class MediaPathError(ValueError):
    """A media path is empty, malformed, outside the media root or (when required) not a file.

    `field` names the input and `reason` completes it: str(error) is "<field> <reason>".
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field} {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class MediaPath:
    """A path inside the media root: absolute (symlinks resolved) and relative to the root (POSIX)."""

    absolute: Path
    relative: str


def resolve_media_path(
    media_root: Path, given: str, *, field: str = "media_path", must_be_file: bool = False
) -> MediaPath:
    """Resolve `given` (relative to `media_root`, or absolute inside it); refuse any escape, and URLs.

    Symlinks are followed before the check, so a link out of the root is refused too.
    """
    if not given or not given.strip():
        raise MediaPathError(field, "is empty")
    if "\x00" in given:  # the operating system cannot name such a file; resolving it raises
        raise MediaPathError(field, "must not contain a NUL byte")
    if _URL.match(given.strip()):  # never fetched: the path would only be mangled (`http:/host`)
        raise MediaPathError(
            field,
            f"must be a path relative to the media root, not a URL (got {given!r}); URLs are not "
            "fetched: put the file under the media root, or upload it",
        )
    root = media_root.resolve()
    absolute = (root / given).resolve()
    if not absolute.is_relative_to(root):
        raise MediaPathError(field, f"must be a path inside the media root (got {given!r})")
    relative = absolute.relative_to(root).as_posix()
    if must_be_file and not absolute.is_file():
        raise MediaPathError(field, f"no file at {relative!r} under the media root")
    return MediaPath(absolute, relative)
