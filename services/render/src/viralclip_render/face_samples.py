"""A face pass's samples kept beside the exports, so another export of the same clip range reuses them.

An export of the same clip at another ratio, with captions off or at the 720 preset finds the same faces:
keeping the samples saves it the pass, 0.16–0.18 of a render (`docs/BENCHMARKS.md`, *Renders*). The key
is the source file as it is now (path, size, modification time), the range and how it was sampled, so a
replaced video or an edited range is scanned afresh. A file is written under a temporary name and renamed,
so a reader finds a whole one or none; one that cannot be read is ignored and replaced by the next pass.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .faces import FaceScan
from .facetrack import FaceSample
from .paths import face_samples_dir

logger = logging.getLogger(__name__)

SAMPLES_VERSION = 1
"""Part of every key: raise it when the face search changes, so samples found the old way are not reused."""


def face_samples_path(
    media_root: Path, batch_id: str, source: Path, start_sec: float, duration_sec: float, scan: FaceScan
) -> Path | None:
    """Where the samples of this pass are kept; None when the source cannot be looked at."""
    try:
        stat = source.stat()
    except OSError:
        return None
    key = [str(source.resolve()), stat.st_size, stat.st_mtime_ns, f"{start_sec:.3f}", f"{duration_sec:.3f}"]
    key += [scan.fps, scan.width, SAMPLES_VERSION]
    digest = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:32]
    return face_samples_dir(media_root, batch_id) / f"{digest}.json"


def load_face_samples(path: Path | None) -> list[FaceSample] | None:
    """The samples kept at `path`, or None when there are none that can be read."""
    if path is None:
        return None
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [FaceSample(_seconds(t), _fraction(x), _fraction(y)) for t, x, y in rows]
    except (OSError, ValueError, TypeError, OverflowError, RecursionError):
        return None


def store_face_samples(path: Path | None, samples: Sequence[FaceSample]) -> None:
    """Keep `samples` at `path` (whole or not at all); a failure to write only costs the next export."""
    if path is None:
        return
    partial: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".part")
        partial = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump([[s.t, s.x, s.y] for s in samples], file)
        os.replace(partial, path)
    except OSError as error:
        if partial is not None:
            partial.unlink(missing_ok=True)
        logger.warning("face samples not kept", extra={"reason": str(error)})


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
        raise ValueError(f"a sample time must be a number of seconds, not {value!r}")
    return float(value)


def _fraction(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"a face position must be a fraction of the frame, not {value!r}")
    return float(value)
