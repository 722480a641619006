"""The tunable thresholds of windowing, in one place, with the reasons for their defaults."""

from dataclasses import dataclass

from viralclip_contracts import ClipLengthPreset


@dataclass(frozen=True, slots=True)
class WindowingRules:
    """Thresholds the windowing core uses; the defaults are what the README documents."""

    sentence_pause_sec: float = 1.0
    """A pause at least this long between two segments ends a sentence."""
    max_sentence_sec: float = 15.0
    """Unpunctuated speech is cut into sentences no longer than this (at segment edges).
    It must not exceed the narrowest preset range (15 s) so every range holds a sentence boundary."""
    scene_pause_sec: float = 2.0
    """Derived scenes: a pause at least this long (or a speaker turn) starts a new scene."""
    silent_scene_sec: float = 10.0
    """Derived scenes: silence at least this long becomes scenes of about this length."""
    scene_gap_sec: float = 1.0
    """Gaps between given scenes shorter than this are closed by stretching the earlier scene."""
    snap_tolerance_sec: float = 8.0
    """A scene cut inside a sentence moves to the sentence's nearer edge when it is this close."""
    min_scene_overlap_sec: float = 0.5
    """A window lists a scene when it holds this much of it (or all of it, if shorter)."""
    max_windows: int = 200
    """Cap on windows per batch: bounds the LLM calls of the per-window scorer."""
    max_payload_bytes: int = 600_000
    """Cap on the estimated size of the `windows.ready` event, well under Kafka's 1 MB default."""

    def __post_init__(self) -> None:
        for name in (
            "sentence_pause_sec",
            "max_sentence_sec",
            "scene_pause_sec",
            "silent_scene_sec",
            "snap_tolerance_sec",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name}: must be positive")
        if self.max_sentence_sec > 15.0:
            raise ValueError("max_sentence_sec: must not exceed 15 s, the narrowest preset range")
        if self.max_windows < 1:
            raise ValueError("max_windows: must be at least 1")
        if self.max_payload_bytes < 10_000:
            raise ValueError("max_payload_bytes: must be at least 10000")


DEFAULT_RULES = WindowingRules()


def preset_range(preset: ClipLengthPreset) -> tuple[float, float]:
    """The (minimum, maximum) window duration for a preset; `auto` is 30–90 s."""
    return preset.bounds_sec


def overlap_stride(minimum: float, maximum: float) -> float:
    """How far apart consecutive windows start when overlapping: min(minimum, maximum − minimum).

    With windows close to `maximum` long, starts this far apart make consecutive windows share at
    least `maximum − stride` seconds, so a moment of that length is not lost at a window edge.
    """
    return min(minimum, maximum - minimum)
