"""The offline scorer: a deterministic stand-in for the LLM built on transcript features (pure).

For every window it tries each run of whole transcript segments whose length fits the preset and keeps the
best one. Sub-scores in [0, 1]: hook (an opening question, number, direct address or bold claim; no
dangling "and/so/um" start), flow (clean start and end, little filler), value (information density:
content words, specifics, a speaking pace that carries), trend (hits from a per-video-type lexicon; for
gaming also scene-cut density). Title, description, hook and hashtags are drawn from the transcript.
The word lists are English; in other languages punctuation, numbers and pace still count.
"""

import re
from collections import Counter
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from viralclip_contracts import ClipBatchConfig, Grade, TranscriptSegment, VideoType, Window

from .heuristic_lexicon import (
    CLAIM_WORDS,
    CONTEXT_PRONOUNS,
    DANGLING_OPENERS,
    DEFAULT_TREND_LEXICON,
    DIRECT_ADDRESS,
    FILLERS,
    NUMBER_WORDS,
    STOPWORDS,
)
from .llm_schema import LlmClip, LlmClipList, LlmGrades
from .text import one_line, sentences, shorten, words

WEIGHTS = {"hook": 0.35, "flow": 0.2, "value": 0.3, "trend": 0.15}
GRADE_FLOORS: tuple[tuple[float, Grade], ...] = (
    (0.93, Grade.A_PLUS),
    (0.86, Grade.A),
    (0.80, Grade.A_MINUS),
    (0.74, Grade.B_PLUS),
    (0.68, Grade.B),
    (0.62, Grade.B_MINUS),
    (0.56, Grade.C_PLUS),
    (0.50, Grade.C),
    (0.44, Grade.C_MINUS),
    (0.38, Grade.D_PLUS),
    (0.32, Grade.D),
    (0.26, Grade.D_MINUS),
)
CUTS_PER_MINUTE_FOR_FULL_SCORE = 12.0
TITLE_LIMIT = 60
TITLE_SENTENCES = 5
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:]|\s(?:--|[—–-])\s)\s*")


@dataclass(frozen=True)
class SubScores:
    """Each aspect of a clip in [0, 1]."""

    hook: float
    flow: float
    value: float
    trend: float

    @property
    def viral_score(self) -> float:
        """The weighted mean on the 0–10 scale, one decimal."""
        total = (
            WEIGHTS["hook"] * self.hook
            + WEIGHTS["flow"] * self.flow
            + WEIGHTS["value"] * self.value
            + WEIGHTS["trend"] * self.trend
        )
        return round(10 * total, 1)


def grade_for(value: float) -> Grade:
    """The letter grade of a sub-score in [0, 1] (monotonic: a higher value never grades lower)."""
    for floor, grade in GRADE_FLOORS:
        if value >= floor:
            return grade
    return Grade.F


def score_windows(
    windows: Sequence[Window],
    config: ClipBatchConfig,
    *,
    lexicon: Mapping[str, frozenset[str]] = DEFAULT_TREND_LEXICON,
) -> LlmClipList:
    """The best clip of every window that has one, in the shape an LLM answer has; no two share a title."""
    taken: set[str] = set()
    clips = []
    for window in windows:
        clip = best_clip(window, config, lexicon=lexicon, taken_titles=taken)
        if clip is not None:
            taken.add(clip.title.lower())
            clips.append(clip)
    return LlmClipList(clips=clips)


def best_clip(
    window: Window,
    config: ClipBatchConfig,
    *,
    lexicon: Mapping[str, frozenset[str]] = DEFAULT_TREND_LEXICON,
    taken_titles: Set[str] = frozenset(),
) -> LlmClip | None:
    """The highest-scoring run of whole segments in `window` that fits the preset; None if none fits."""
    segments = sorted(window.transcript, key=lambda segment: segment.start_sec)
    trend_words = lexicon.get(config.video_type.value, frozenset()) | lexicon.get("*", frozenset())
    cut_density = _cut_density(window) if config.video_type is VideoType.GAMING else None
    best: tuple[float, int, int, SubScores] | None = None
    for first, last in _spans(segments, config.clip_length_preset.bounds_sec):
        scores = sub_scores(segments[first : last + 1], trend_words, cut_density)
        if best is None or scores.viral_score > best[0]:
            best = (scores.viral_score, first, last, scores)
    if best is None:
        return None
    _, first, last, scores = best
    return _describe(segments[first : last + 1], scores, config.video_type, taken_titles)


def sub_scores(
    segments: Sequence[TranscriptSegment],
    trend_words: frozenset[str],
    cut_density: float | None = None,
) -> SubScores:
    """Hook, flow, value and trend of the clip made of `segments`."""
    text = " ".join(one_line(segment.text) for segment in segments)
    tokens = words(text)
    lowered = [token.lower() for token in tokens]
    duration = max(segments[-1].end_sec - segments[0].start_sec, 0.1)
    hook = _hook(sentences(text)[0] if text else "")
    trend = 0.25 + 0.75 * _clamp(len(trend_words.intersection(lowered)) / 4)
    if cut_density is not None:
        cuts = _clamp(cut_density / CUTS_PER_MINUTE_FOR_FULL_SCORE)
        hook = _clamp(hook + 0.2 * cuts)
        trend = 0.5 * trend + 0.5 * cuts
    return SubScores(
        hook=round(hook, 3),
        flow=round(_flow(text, lowered), 3),
        value=round(_value(tokens, lowered, duration), 3),
        trend=round(trend, 3),
    )


def _spans(segments: Sequence[TranscriptSegment], bounds: tuple[float, float]) -> list[tuple[int, int]]:
    low, high = bounds
    spans: list[tuple[int, int]] = []
    for first in range(len(segments)):
        for last in range(first, len(segments)):
            duration = segments[last].end_sec - segments[first].start_sec
            if duration > high:
                break
            if duration >= low:
                spans.append((first, last))
    if spans or not segments:
        return spans
    whole = segments[-1].end_sec - segments[0].start_sec
    return [(0, len(segments) - 1)] if low * 0.8 <= whole <= high else []


def _hook(opening: str) -> float:
    lowered = [token.lower() for token in words(opening)]
    if not lowered:
        return 0.0
    score = 0.15
    if opening.rstrip().endswith("?"):
        score += 0.3
    if any(token.isdigit() or token in NUMBER_WORDS for token in lowered):
        score += 0.2
    if DIRECT_ADDRESS.intersection(lowered):
        score += 0.2
    if CLAIM_WORDS.intersection(lowered):
        score += 0.2
    if len(lowered) <= 15:
        score += 0.1
    if lowered[0] in DANGLING_OPENERS:
        score -= 0.3
    return _clamp(score)


def _flow(text: str, lowered: Sequence[str]) -> float:
    if not lowered:
        return 0.0
    clean_start = text[:1].isupper() or text[:1].isdigit()
    score = 0.3 if clean_start and lowered[0] not in DANGLING_OPENERS else 0.0
    if lowered[0] not in CONTEXT_PRONOUNS:
        score += 0.15
    if text.rstrip().endswith((".", "!", "?", "…")):
        score += 0.3
    filler_ratio = sum(token in FILLERS for token in lowered) / len(lowered)
    return _clamp(score + 0.25 * max(0.0, 1 - filler_ratio * 12))


def _value(tokens: Sequence[str], lowered: Sequence[str], duration: float) -> float:
    if not tokens:
        return 0.0
    content = sum(len(token) >= 3 and token not in STOPWORDS for token in lowered)
    specifics = sum(
        token.isdigit() or len(token) >= 8 or (index > 0 and token[:1].isupper())
        for index, token in enumerate(tokens)
    )
    pace = len(tokens) / duration
    pace_score = _clamp(1 - abs(pace - 2.7) / 1.5)
    return _clamp(
        0.5 * _clamp((content / len(tokens) - 0.3) / 0.3)
        + 0.35 * _clamp(specifics / len(tokens) / 0.15)
        + 0.15 * pace_score
    )


def _describe(
    segments: Sequence[TranscriptSegment],
    scores: SubScores,
    video_type: VideoType,
    taken_titles: Set[str] = frozenset(),
) -> LlmClip:
    text = " ".join(one_line(segment.text) for segment in segments)
    parts = sentences(text)
    title = _title(parts, _keywords(text, 5), taken_titles)
    rest = [sentence for sentence in parts if title.lower().rstrip("…") not in sentence.lower()]
    return LlmClip(
        start_sec=segments[0].start_sec,
        end_sec=segments[-1].end_sec,
        title=title,
        description=shorten(" ".join(rest[:2]) or text, 200),
        viral_score=scores.viral_score,
        grades=LlmGrades(
            hook=grade_for(scores.hook).value,
            flow=grade_for(scores.flow).value,
            value=grade_for(scores.value).value,
            trend=grade_for(scores.trend).value,
        ),
        viral_reason=_reason(parts[0], scores),
        hook=shorten(parts[0], 150),
        hashtags=_hashtags(text, video_type),
    )


def _title(parts: Sequence[str], keywords: Sequence[str], taken: Set[str]) -> str:
    """A headline from the clip's own words: the early sentence or clause with the strongest hook and the
    clip's key words that fits whole in TITLE_LIMIT characters, not already another clip's title."""
    candidates = _title_candidates(parts[:TITLE_SENTENCES])
    fresh = [c for c in candidates if c[1].lower() not in taken] or candidates
    if not fresh:
        fallback = shorten(parts[0] if parts else "Untitled moment", TITLE_LIMIT).rstrip(".!,;:")
        return fallback[:1].upper() + fallback[1:]
    key = {word.lower() for word in keywords}

    def strength(candidate: tuple[int, str]) -> tuple[bool, float, int]:
        index, text = candidate
        hits = len(key.intersection(token.lower() for token in words(text)))
        return (len(text) <= TITLE_LIMIT, _hook(text) + 0.15 * hits, -index)

    _, best = max(fresh, key=strength)
    title = shorten(best, TITLE_LIMIT)
    return title[:1].upper() + title[1:]


def _title_candidates(parts: Sequence[str]) -> list[tuple[int, str]]:
    """(sentence position, text) of each sentence and each of its clauses, without a dangling opener
    ("And", "So", "Well,") and without closing punctuation; at least four words long."""
    found: list[tuple[int, str]] = []
    for index, sentence in enumerate(parts):
        pieces = [sentence, *(c for c in _CLAUSE_BREAK.split(sentence) if c and c != sentence)]
        for piece in pieces:
            text = _without_opener(piece).rstrip(".!,;:…—– ")
            if len(words(text)) >= 4 and all(text != known for _, known in found):
                found.append((index, text))
    return found


def _without_opener(text: str) -> str:
    tokens = text.split()
    while len(tokens) > 4 and tokens[0].lower().strip(",.") in DANGLING_OPENERS:
        tokens = tokens[1:]
    return " ".join(tokens)


def _reason(opening: str, scores: SubScores) -> str:
    lowered = [token.lower() for token in words(opening)]
    if opening.rstrip().endswith("?"):
        start = "Opens with a question"
    elif any(token.isdigit() or token in NUMBER_WORDS for token in lowered):
        start = "Opens with a concrete number"
    elif DIRECT_ADDRESS.intersection(lowered):
        start = "Speaks straight to the viewer"
    elif CLAIM_WORDS.intersection(lowered):
        start = "Opens with a bold claim"
    else:
        start = "Gets to the point"
    if scores.value >= 0.6:
        return f"{start} and packs specific, dense information."
    if scores.flow >= 0.7:
        return f"{start} and tells one complete thought."
    return f"{start} and keeps a steady pace."


def _hashtags(text: str, video_type: VideoType) -> list[str]:
    tags = [f"#{word}" for word in _keywords(text, 3)]
    extras = ["#shorts", "#clips"]
    if video_type not in (VideoType.AUTO, VideoType.OTHER):
        extras.insert(0, "#" + video_type.value.replace("_", ""))
    for extra in extras:
        if extra not in tags and (len(tags) < 3 or extra == extras[0]):
            tags.append(extra)
    return tags[:5]


def _keywords(text: str, count: int) -> list[str]:
    """The clip's most telling words: frequent ones first, names before common words."""
    tokens = words(text)
    names = {
        token.lower() for sentence in sentences(text) for token in words(sentence)[1:] if token[:1].isupper()
    }
    counts = Counter(
        token.lower()
        for token in tokens
        if len(token) >= 4
        and token.isalpha()
        and token.lower() not in STOPWORDS
        and (token.lower() in names or not token.lower().endswith(("ed", "ing", "ly")))
    )
    ranked = sorted(counts, key=lambda word: (-counts[word] - (word in names), -len(word), word))
    return ranked[:count]


def _cut_density(window: Window) -> float:
    minutes = max(window.end_sec - window.start_sec, 1.0) / 60
    return max(len(window.scene_ids) - 1, 0) / minutes


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
