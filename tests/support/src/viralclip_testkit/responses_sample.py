"""Sample scoring input: the bundled podcast, timed by the sample generator, cut into windows.

Simpler than the windowing service on purpose: consecutive transcript segments are grouped until a
window spans `window_sec`, and each window lists the scenes it overlaps. Enough to drive the scorer and
the Responses double with realistic text and timings.
"""

from collections.abc import Iterator, Sequence

from viralclip_contracts import SceneSegment, TranscriptSegment, Window
from viralclip_localstack.sample.bundled import sample_video


def sample_windows(window_sec: float = 75.0, max_duration_sec: float | None = None) -> tuple[Window, ...]:
    """The bundled podcast (optionally only its first `max_duration_sec`) in windows of ~`window_sec`."""
    video = sample_video(max_duration_sec)
    return tuple(_windows(video.transcript, video.scenes, window_sec))


def _windows(
    segments: Sequence[TranscriptSegment], scenes: Sequence[SceneSegment], window_sec: float
) -> Iterator[Window]:
    groups: list[list[TranscriptSegment]] = [[]]
    for segment in segments:
        group = groups[-1]
        group.append(segment)
        if group[-1].end_sec - group[0].start_sec >= window_sec:
            groups.append([])
    for index, group in enumerate(group for group in groups if group):
        start, end = group[0].start_sec, group[-1].end_sec
        yield Window(
            window_id=f"w{index:04d}",
            start_sec=start,
            end_sec=end,
            scene_ids=tuple(s.scene_id for s in scenes if s.start_sec < end and s.end_sec > start),
            transcript=tuple(group),
        )
