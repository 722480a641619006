"""Cutting a batch's transcript into consecutive chunks for the chunked strategy (pure).

The lines are the distinct transcript segments of all windows, in time order. They are cut into
`ceil(length / span)` chunks of about equal length, each cut at the sentence end nearest its target, so
every line belongs to exactly one chunk. A chunk also shows the lines within `context_sec` before and
after it, marked as context (read, never clipped). Each window goes to the chunk holding most of its
speech, cut to that chunk's own lines, so each window is in exactly one call.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from viralclip_contracts import TranscriptSegment, Window

DEFAULT_CHUNK_SEC = 720.0
DEFAULT_CONTEXT_SEC = 5.0
SENTENCE_PAUSE_SEC = 1.0

_TERMINAL = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s*$")


@dataclass(frozen=True)
class Chunk:
    """One chunk: its own lines, the context lines either side, and the windows cut to it."""

    index: int
    count: int
    lines: tuple[TranscriptSegment, ...]
    before: tuple[TranscriptSegment, ...]
    after: tuple[TranscriptSegment, ...]
    windows: tuple[Window, ...]

    @property
    def key(self) -> str:
        """The call key of the chunk (part of its exchange id)."""
        return f"chunk-{self.index:03d}"

    @property
    def start_sec(self) -> float:
        return self.lines[0].start_sec

    @property
    def end_sec(self) -> float:
        return self.lines[-1].end_sec


def transcript_lines(windows: Sequence[Window]) -> tuple[TranscriptSegment, ...]:
    """The distinct transcript segments of `windows`, in time order."""
    unique = {_key(s): s for window in windows for s in window.transcript}
    return tuple(unique[key] for key in sorted(unique))


def plan_chunks(
    windows: Sequence[Window],
    *,
    span_sec: float = DEFAULT_CHUNK_SEC,
    context_sec: float = DEFAULT_CONTEXT_SEC,
) -> tuple[Chunk, ...]:
    """The chunks of `windows`' transcript, about `span_sec` long each (see the module docstring)."""
    if span_sec <= 0:
        raise ValueError(f"span_sec: {span_sec!r} must be positive")
    lines = transcript_lines(windows)
    if not lines:
        return ()
    count = max(1, math.ceil((lines[-1].end_sec - lines[0].start_sec) / span_sec - 1e-6))
    cuts = _cuts(lines, count)
    parts = [lines[start:end] for start, end in zip((0, *cuts), (*cuts, len(lines)), strict=True)]
    parts = [part for part in parts if part]
    owners = _owners(windows, parts)
    return tuple(
        Chunk(
            index=index,
            count=len(parts),
            lines=part,
            before=tuple(s for s in parts[index - 1] if s.end_sec > part[0].start_sec - context_sec)
            if index > 0
            else (),
            after=tuple(s for s in parts[index + 1] if s.start_sec < part[-1].end_sec + context_sec)
            if index + 1 < len(parts)
            else (),
            windows=tuple(
                _cut_window(window, part)
                for window, owner in zip(windows, owners, strict=True)
                if owner == index
            ),
        )
        for index, part in enumerate(parts)
    )


def _cuts(lines: Sequence[TranscriptSegment], count: int) -> list[int]:
    """Indices where chunks 2..count start: the sentence end nearest each target, strictly rising."""
    first, last = lines[0].start_sec, lines[-1].end_sec
    ends = [i + 1 for i in range(len(lines) - 1) if _ends_sentence(lines[i], lines[i + 1])]
    if not ends:
        ends = list(range(1, len(lines)))
    cuts: list[int] = []
    for k in range(1, count):
        target = first + k * (last - first) / count
        later = [i for i in ends if not cuts or i > cuts[-1]]
        if not later:
            break
        cuts.append(min(later, key=lambda i: abs(lines[i - 1].end_sec - target)))
    return cuts


def _ends_sentence(line: TranscriptSegment, following: TranscriptSegment) -> bool:
    return (
        bool(_TERMINAL.search(line.text))
        or following.speaker != line.speaker
        or following.start_sec - line.end_sec >= SENTENCE_PAUSE_SEC
    )


def _owners(windows: Sequence[Window], parts: Sequence[Sequence[TranscriptSegment]]) -> list[int]:
    """For each window, the part holding most of its speech (most of its time when it has none);
    the earlier part on a tie."""
    part_of = {_key(segment): index for index, part in enumerate(parts) for segment in part}
    spans = [(part[0].start_sec, part[-1].end_sec) for part in parts]
    owners = []
    for window in windows:
        shares = [0.0] * len(parts)
        for segment in window.transcript:
            index = part_of.get(_key(segment))
            if index is not None:
                shares[index] += segment.end_sec - segment.start_sec
        if not any(shares):
            shares = [min(window.end_sec, end) - max(window.start_sec, start) for start, end in spans]
        owners.append(max(range(len(parts)), key=lambda i: (shares[i], -i)))
    return owners


def _cut_window(window: Window, part: Sequence[TranscriptSegment]) -> Window:
    start, end = part[0].start_sec, part[-1].end_sec
    kept = tuple(s for s in window.transcript if s.start_sec >= start and s.end_sec <= end)
    if not kept or len(kept) == len(window.transcript):
        return window
    return window.model_copy(
        update={
            "start_sec": max(window.start_sec, kept[0].start_sec),
            "end_sec": min(window.end_sec, kept[-1].end_sec),
            "transcript": kept,
        }
    )


def _key(segment: TranscriptSegment) -> tuple[float, float, str]:
    return (segment.start_sec, segment.end_sec, segment.text)
