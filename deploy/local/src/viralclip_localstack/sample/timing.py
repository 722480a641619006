"""Give an untimed `Speaker: text` transcript plausible timings and a podcast's camera cuts.

Pure and deterministic: the same turns and options always give the same segments and scenes. Speech runs
at a rate that varies per sentence inside [min, max] words per second; sentences are separated by short
pauses and speaker turns by longer ones; a scene starts at every turn, and a very long turn gets extra
cuts at sentence starts, as a podcast's editor would cut to another camera.
"""

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from viralclip_contracts import SceneSegment, TranscriptSegment, Video

from .turns import Turn, split_long_sentence, split_sentences

# Margin kept inside the speech-rate bounds so rounding timestamps to milliseconds stays inside them.
_RATE_MARGIN = 0.01


@dataclass(frozen=True)
class TimingOptions:
    """How fast and with which pauses the generated speaker talks, and how often the camera cuts."""

    min_words_per_sec: float = 2.5
    max_words_per_sec: float = 2.7
    sentence_pause_sec: tuple[float, float] = (0.25, 0.45)
    clause_pause_sec: tuple[float, float] = (0.12, 0.2)
    turn_pause_sec: tuple[float, float] = (0.6, 1.0)
    lead_in_sec: float = 0.5
    tail_sec: float = 1.0
    max_segment_words: int = 30
    long_turn_sec: float = 40.0
    shot_sec: float = 25.0
    seed: str = "viralclip-sample"


@dataclass(frozen=True)
class TimedTranscript:
    """Timed transcript segments, the scenes covering [0, duration], and the total duration."""

    segments: tuple[TranscriptSegment, ...]
    scenes: tuple[SceneSegment, ...]
    duration_sec: float


@dataclass(frozen=True)
class _Draft:
    turn: int
    start: float
    end: float
    text: str
    speaker: str


def time_transcript(
    turns: Sequence[Turn],
    options: TimingOptions | None = None,
    max_duration_sec: float | None = None,
) -> TimedTranscript:
    """Time the turns sentence by sentence and cut scenes at turns; stop before `max_duration_sec`."""
    opts = options or TimingOptions()
    _check_options(opts)
    drafts = _time_segments(turns, opts, max_duration_sec)
    if not drafts:
        raise ValueError("max_duration_sec: too short to hold the first sentence of the transcript")
    duration = round(drafts[-1].end + opts.tail_sec, 3)
    segments = tuple(
        TranscriptSegment(start_sec=d.start, end_sec=d.end, text=d.text, speaker=d.speaker) for d in drafts
    )
    return TimedTranscript(segments, _cut_scenes(drafts, opts, duration), duration)


def build_video(
    turns: Sequence[Turn],
    *,
    video_id: str,
    title: str,
    media_path: str,
    summary: str | None = None,
    max_duration_sec: float | None = None,
    options: TimingOptions | None = None,
) -> Video:
    """A `Video` (English) whose transcript and scenes are the timed turns."""
    timed = time_transcript(turns, options, max_duration_sec)
    return Video(
        video_id=video_id,
        title=title,
        media_path=media_path,
        duration_sec=timed.duration_sec,
        language="en",
        summary=summary if summary is not None else describe(timed),
        transcript=timed.segments,
        scenes=timed.scenes,
    )


def describe(timed: TimedTranscript) -> str:
    """A one-line summary naming the speakers and the length, for transcripts without one."""
    speakers = list(dict.fromkeys(s.speaker for s in timed.segments if s.speaker))
    names = " and ".join([", ".join(speakers[:-1]), speakers[-1]] if len(speakers) > 1 else speakers)
    minutes = max(1, round(timed.duration_sec / 60))
    return f"A {minutes}-minute conversation between {names}."


def _check_options(opts: TimingOptions) -> None:
    low, high = opts.min_words_per_sec, opts.max_words_per_sec
    if not 0 < low < high - 2 * _RATE_MARGIN:
        raise ValueError("min_words_per_sec/max_words_per_sec: need 0 < min < max - 0.02")
    if opts.shot_sec <= 0 or opts.long_turn_sec < opts.shot_sec:
        raise ValueError("shot_sec/long_turn_sec: need 0 < shot_sec <= long_turn_sec")


def _time_segments(
    turns: Sequence[Turn], opts: TimingOptions, max_duration_sec: float | None
) -> list[_Draft]:
    drafts: list[_Draft] = []
    clock = opts.lead_in_sec
    for turn_index, turn in enumerate(turns):
        if turn_index:
            clock += _between(opts.turn_pause_sec, opts.seed, "turn", turn_index)
        for sentence_index, sentence in enumerate(split_sentences(turn.text)):
            if sentence_index:
                clock += _between(opts.sentence_pause_sec, opts.seed, "sentence", turn_index, sentence_index)
            parts = split_long_sentence(sentence, opts.max_segment_words)
            for part_index, part in enumerate(parts):
                if part_index:
                    clock += _between(
                        opts.clause_pause_sec, opts.seed, "clause", turn_index, sentence_index, part_index
                    )
                rate = _between(
                    (opts.min_words_per_sec + _RATE_MARGIN, opts.max_words_per_sec - _RATE_MARGIN),
                    opts.seed,
                    "rate",
                    turn_index,
                    sentence_index,
                    part_index,
                )
                start = round(clock, 3)
                end = round(clock + len(part.split()) / rate, 3)
                if max_duration_sec is not None and end + opts.tail_sec > max_duration_sec:
                    return drafts
                drafts.append(_Draft(turn_index, start, end, part, turn.speaker))
                clock = end
    return drafts


def _cut_scenes(drafts: Sequence[_Draft], opts: TimingOptions, duration: float) -> tuple[SceneSegment, ...]:
    turn_start: dict[int, float] = {}
    turn_end: dict[int, float] = {}
    for draft in drafts:
        turn_start.setdefault(draft.turn, draft.start)
        turn_end[draft.turn] = draft.end
    cuts = [0.0]
    shot_start = 0.0
    for previous, draft in itertools.pairwise(drafts):
        if draft.turn != previous.turn or (
            turn_end[draft.turn] - turn_start[draft.turn] > opts.long_turn_sec
            and draft.start - shot_start >= opts.shot_sec
            and turn_end[draft.turn] - draft.start >= opts.shot_sec / 2
        ):
            shot_start = draft.start
            cuts.append(draft.start)
    bounds = [*cuts, duration]
    return tuple(
        SceneSegment(scene_id=f"s{index:04d}", start_sec=start, end_sec=end)
        for index, (start, end) in enumerate(itertools.pairwise(bounds))
    )


def _between(bounds: tuple[float, float], *key: object) -> float:
    low, high = bounds
    return low + (high - low) * _unit(*key)


def _unit(*key: object) -> float:
    """A stable pseudo-random number in [0, 1) for the key (unlike `hash`, the same in every process)."""
    digest = hashlib.sha256(":".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
