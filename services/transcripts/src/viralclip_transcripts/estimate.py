"""Estimated word times for a segment that has none (pure).

The rule: the segment's text is split at whitespace into words. Each word gets a share of the
segment's duration proportional to its letters and digits (at least 1, so "—" or "5" still get a
slot); after a word ending in `, ; : –`, a pause worth `CLAUSE_PAUSE_CHARS` letters follows, after a
word ending a sentence (`. ! ? …`) one worth `SENTENCE_PAUSE_CHARS` letters (never after the last
word). The first word starts at the segment's start, the last ends at its end (both exactly); the times
between are rounded to the millisecond and never decrease. Every estimated word says so (`estimated=True`).
"""

from viralclip_contracts import TranscriptSegment, Word

from .sentences import ends_sentence

CLAUSE_PAUSE_CHARS = 2.0
SENTENCE_PAUSE_CHARS = 4.0
_CLAUSE_MARKS = (",", ";", ":", "–", "—")


def estimate_words(segment: TranscriptSegment) -> tuple[Word, ...]:
    """The segment's words with times spread over it by the module's rule, marked `estimated`."""
    return tuple(
        Word(text=text, start_sec=start, end_sec=end, estimated=True)
        for text, start, end in estimated_times(segment.text, segment.start_sec, segment.end_sec)
    )


def with_words(segment: TranscriptSegment) -> TranscriptSegment:
    """`segment` itself when it has words (or no text), else a copy with estimated words."""
    if segment.words or not segment.text.strip():
        return segment
    return segment.model_copy(update={"words": estimate_words(segment)})


def estimated_times(text: str, start: float, end: float) -> list[tuple[str, float, float]]:
    """(word, start, end) of every whitespace-separated word of `text` spread over [start, end]."""
    tokens = text.split()
    if not tokens:
        return []
    weights = [max(1, sum(map(str.isalnum, token))) for token in tokens]
    pauses = [_pause_after(token) for token in tokens[:-1]] + [0.0]
    total = sum(weights) + sum(pauses)
    unit = max(end - start, 0.0) / total
    timed: list[tuple[str, float, float]] = []
    clock = start
    for token, weight, pause in zip(tokens, weights, pauses, strict=True):
        word_start = start if not timed else min(max(round(clock, 3), start), end)
        clock += weight * unit
        word_end = min(max(round(clock, 3), word_start), end)
        timed.append((token, word_start, word_end))
        clock += pause * unit
    text_last, start_last, _ = timed[-1]
    timed[-1] = (text_last, start_last, max(end, start_last))
    return timed


def _pause_after(token: str) -> float:
    if ends_sentence(token):
        return SENTENCE_PAUSE_CHARS
    if token.endswith(_CLAUSE_MARKS):
        return CLAUSE_PAUSE_CHARS
    return 0.0
