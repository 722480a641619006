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
import os
from collections.abc import Sequence
from pathlib import Path

from .faces import FaceScan
from .facetrack import FaceSample
from .paths import face_samples_dir

logger = logging.getLogger(__name__)


def face_samples_path(
    media_root: Path, batch_id: str, source: Path, start_sec: float, duration_sec: float, scan: FaceScan
) -> Path | None:
    """Where the samples of this pass are kept; None when the source cannot be looked at."""
    try:
        stat = source.stat()
    except OSError:
        return None
    key = [str(source.resolve()), stat.st_size, stat.st_mtime_ns, f"{start_sec:.3f}", f"{duration_sec:.3f}"]
    key += [scan.fps, scan.width]
    digest = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:32]
    return face_samples_dir(media_root, batch_id) / f"{digest}.json"


def load_face_samples(path: Path | None) -> list[FaceSample] | None:
    """The samples kept at `path`, or None when there are none that can be read."""
    if path is None:
        return None
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [FaceSample(float(t), _fraction(x), _fraction(y)) for t, x, y in rows]
    except (OSError, ValueError, TypeError):
        return None


def store_face_samples(path: Path | None, samples: Sequence[FaceSample]) -> None:
    """Keep `samples` at `path` (whole or not at all); a failure to write only costs the next export."""
    if path is None:
        return
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps([[s.t, s.x, s.y] for s in samples]), encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        logger.warning("face samples not kept", extra={"reason": str(error)})


def _fraction(value: object) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float):
        raise TypeError(f"a face position must be a number, not {value!r}")
    return float(value)
