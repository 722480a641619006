"""The offline scorer: a deterministic stand-in for the LLM built on transcript features (pure).

For every window it tries each run of whole transcript segments whose length fits the preset and keeps the
best one. Sub-scores in [0, 1]: hook (an opening question, number, direct address or bold claim; no
dangling "and/so/nah" start), flow (starts and ends on a sentence boundary, neither opens on nor stops just
before the next item of a spoken list, little filler), value
(information density: content words, specifics, a speaking pace that carries), trend (hits from the
language's lexicon for the video type; for gaming also scene-cut density). Boilerplate (intros, sponsor
reads, credits; `boilerplate.py`) scales a clip down. The word lists come from the language's profile
(`language.py`); without one, punctuation, numbers, names and pace still count. Titles and hashtags:
`titles.py`.
"""

import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from viralclip_contracts import ClipBatchConfig, Grade, TranscriptSegment, VideoType, Window
from viralclip_transcripts import speech_track

from .boilerplate import boilerplate_flags
from .language import LanguageProfile, Phrase, count_phrases, load_profile, starts_with
from .llm_schema import LlmClip, LlmClipList, LlmGrades
from .text import Sentence, one_line, shorten, transcript_sentences, words
from .titles import choose_title, hashtags, keyphrases

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
BOILERPLATE_FULL_SHARE = 0.5
BOILERPLATE_FLOOR = 0.35
MAX_OPENERS_BEFORE_LIST_ITEM = 3


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

    def scaled(self, factor: float) -> "SubScores":
        """Every aspect multiplied by `factor` (boilerplate)."""
        return SubScores(
            hook=round(self.hook * factor, 3),
            flow=round(self.flow * factor, 3),
            value=round(self.value * factor, 3),
            trend=round(self.trend * factor, 3),
        )


@dataclass(frozen=True)
class _Span:
    """A candidate clip: segments first..last of the window and what its sentences say about it."""

    first: int
    last: int
    whole: tuple[Sentence, ...]
    starts_mid_sentence: bool
    ends_mid_sentence: bool
    ends_before_list_item: bool
    boilerplate_share: float


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
    language: str = "en",
    profile: LanguageProfile | None = None,
    extra_trend: Mapping[str, Iterable[str]] | None = None,
) -> LlmClipList:
    """The best clip of every window that has one, in the shape an LLM answer has; no two share a title.

    `profile` defaults to the profile of `language`; `extra_trend` ({video_type: [words]}) extends its
    trend lexicon. The windows' span is the timeline boilerplate's position is judged against."""
    chosen = (profile or load_profile(language)).with_trend(extra_trend or {})
    timeline = (
        min((w.start_sec for w in windows), default=0.0),
        max((w.end_sec for w in windows), default=0.0),
    )
    taken: set[str] = set()
    clips = []
    for window in windows:
        clip = best_clip(window, config, profile=chosen, taken_titles=taken, timeline=timeline)
        if clip is not None:
            taken.add(clip.title.lower())
            clips.append(clip)
    return LlmClipList(clips=clips)


def best_clip(
    window: Window,
    config: ClipBatchConfig,
    *,
    profile: LanguageProfile | None = None,
    taken_titles: Set[str] = frozenset(),
    timeline: tuple[float, float] | None = None,
) -> LlmClip | None:
    """The highest-scoring run of whole segments in `window` that fits the preset; None if none fits."""
    profile = profile or load_profile("en")
    segments = sorted(window.transcript, key=lambda segment: segment.start_sec)
    sentences = window_sentences(segments, profile)
    flags = boilerplate_flags(sentences, profile, timeline or (window.start_sec, window.end_sec))
    list_items = [opens_list_item(sentence.text, profile) for sentence in sentences]
    trend_words = profile.trend_words(config.video_type.value)
    cut_density = _cut_density(window) if config.video_type is VideoType.GAMING else None
    best: tuple[float, _Span, SubScores] | None = None
    for first, last in _spans(segments, config.clip_length_preset.bounds_sec):
        span = _span(first, last, sentences, flags, list_items)
        scores = sub_scores(
            segments[first : last + 1],
            profile,
            trend_words,
            cut_density,
            starts_mid_sentence=span.starts_mid_sentence,
            ends_mid_sentence=span.ends_mid_sentence,
            ends_before_list_item=span.ends_before_list_item,
        )
        scores = scores.scaled(_boilerplate_factor(span.boilerplate_share))
        if best is None or scores.viral_score > best[0]:
            best = (scores.viral_score, span, scores)
    if best is None:
        return None
    _, span, scores = best
    return _describe(segments, span, scores, config.video_type, profile, taken_titles)


def window_sentences(segments: Sequence[TranscriptSegment], profile: LanguageProfile) -> list[Sentence]:
    """The sentences of a window's segments (in time order), split with the language's openers."""
    openers = {phrase[0] for phrase in profile.dangling_openers | profile.fillers if len(phrase) == 1}
    return transcript_sentences(segments, openers=openers, abbreviations=profile.abbreviations)


def sub_scores(
    segments: Sequence[TranscriptSegment],
    profile: LanguageProfile,
    trend_words: frozenset[Phrase] = frozenset(),
    cut_density: float | None = None,
    *,
    starts_mid_sentence: bool = False,
    ends_mid_sentence: bool = False,
    ends_before_list_item: bool = False,
) -> SubScores:
    """Hook, flow, value and trend of the clip made of `segments`; the flags say whether it starts or
    ends inside a sentence of the surrounding transcript, and whether the sentence after it opens the
    next item of a spoken list ("Third, ..."), so that the clip stops before the list is through."""
    text = " ".join(one_line(segment.text) for segment in segments)
    tokens = words(text)
    lowered = [token.lower() for token in tokens]
    duration = max(segments[-1].end_sec - segments[0].start_sec, 0.1)
    own = window_sentences(segments, profile)
    opening = own[1] if starts_mid_sentence and len(own) > 1 else (own[0] if own else None)
    hook = _hook(opening.text if opening else "", profile)
    trend = 0.25 + 0.75 * _clamp(count_phrases(lowered, trend_words) / 4)
    if cut_density is not None:
        cuts = _clamp(cut_density / CUTS_PER_MINUTE_FOR_FULL_SCORE)
        hook = _clamp(hook + 0.2 * cuts)
        trend = 0.5 * trend + 0.5 * cuts
    flow = _flow(text, lowered, profile, starts_mid_sentence, ends_mid_sentence or ends_before_list_item)
    return SubScores(
        hook=round(hook, 3),
        flow=round(flow, 3),
        value=round(_value(tokens, lowered, duration, profile), 3),
        trend=round(trend, 3),
    )


def opening_cue(opening: str, profile: LanguageProfile) -> str | None:
    """What makes `opening` a hook: question, number, address or claim; None for none."""
    lowered = [token.lower() for token in words(opening)]
    if not lowered:
        return None
    past_openers = lowered[starts_with(lowered, profile.dangling_openers | profile.fillers) :]
    if opening.rstrip().rstrip("\"'”’)»").endswith("?") or starts_with(past_openers, profile.question_words):
        return "question"
    if any(token[:1].isdigit() or token in profile.number_words for token in lowered):
        return "number"
    if count_phrases(lowered, profile.direct_address):
        return "address"
    if count_phrases(lowered, profile.claim_words):
        return "claim"
    return None


def _hook(opening: str, profile: LanguageProfile) -> float:
    lowered = [token.lower() for token in words(opening)]
    if not lowered:
        return 0.0
    score = 0.15
    past_openers = lowered[starts_with(lowered, profile.dangling_openers | profile.fillers) :]
    if opening.rstrip().rstrip("\"'”’)»").endswith("?") or starts_with(past_openers, profile.question_words):
        score += 0.3
    if any(token[:1].isdigit() or token in profile.number_words for token in lowered):
        score += 0.2
    if count_phrases(lowered, profile.direct_address):
        score += 0.2
    if count_phrases(lowered, profile.claim_words):
        score += 0.2
    if len(lowered) <= 15:
        score += 0.1
    if starts_with(lowered, profile.dangling_openers) or opens_list_item(opening, profile):
        score -= 0.3
    return _clamp(score)


def opens_list_item(sentence: str, profile: LanguageProfile) -> bool:
    """Whether `sentence` opens the next item of a spoken list — "Secondly, ...", "And the third
    reason ...", "Kedua, ...", "Yang terakhir ..." — which leans on the items before it. An ordinal that
    is also an ordinary word ("second", "kedua": both) counts only with a comma or colon after it."""
    rest = [token.lower() for token in words(sentence)]
    openers = profile.dangling_openers | profile.fillers
    for _ in range(MAX_OPENERS_BEFORE_LIST_ITEM + 1):  # "Oke, jadi yang kedua …": past each opener in turn
        if starts_with(rest, profile.list_continuations):
            return True
        if rest and rest[0] in profile.list_ordinals:
            after = re.search(rf"\b{re.escape(rest[0])}\b\s*([,:])?", sentence.lower())
            return after is not None and after.group(1) is not None
        if not (cut := starts_with(rest, openers)):
            return False
        rest = rest[cut:]
    return False


def _flow(
    text: str, lowered: Sequence[str], profile: LanguageProfile, starts_mid: bool, ends_mid: bool
) -> float:
    if not lowered:
        return 0.0
    clean_start = (text[:1].isupper() or text[:1].isdigit()) and not starts_mid
    dangling = starts_with(list(lowered), profile.dangling_openers) or opens_list_item(text, profile)
    score = 0.3 if clean_start and not dangling else 0.0
    if lowered[0] not in profile.context_pronouns:
        score += 0.15
    if text.rstrip().endswith((".", "!", "?", "…")) and not ends_mid:
        score += 0.3
    filler_ratio = count_phrases(list(lowered), profile.fillers) / len(lowered)
    return _clamp(score + 0.25 * max(0.0, 1 - filler_ratio * 12))


def _value(tokens: Sequence[str], lowered: Sequence[str], duration: float, profile: LanguageProfile) -> float:
    if not tokens:
        return 0.0
    content = sum(len(token) >= 3 and token not in profile.stopwords for token in lowered)
    specifics = sum(
        token[:1].isdigit() or len(token) >= 8 or (index > 0 and token[:1].isupper())
        for index, token in enumerate(tokens)
    )
    pace = len(tokens) / duration
    pace_score = _clamp(1 - abs(pace - 2.7) / 1.5)
    return _clamp(
        0.5 * _clamp((content / len(tokens) - 0.3) / 0.3)
        + 0.35 * _clamp(specifics / len(tokens) / 0.15)
        + 0.15 * pace_score
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


def _span(
    first: int, last: int, sentences: Sequence[Sentence], flags: Sequence[bool], list_items: Sequence[bool]
) -> _Span:
    """The span of segments first..last; `flags` and `list_items` say, per sentence, whether it is
    boilerplate and whether it opens the next item of a spoken list."""
    touching = [
        (sentence, flag)
        for sentence, flag in zip(sentences, flags, strict=True)
        if sentence.last_segment >= first and sentence.first_segment <= last
    ]
    whole = tuple(s for s, _ in touching if s.first_segment >= first and s.last_segment <= last)
    total = sum(len(s.text.split()) for s, _ in touching) or 1
    boiler = sum(len(s.text.split()) for s, flag in touching if flag)
    following = next((i for i, s in enumerate(sentences) if s.first_segment > last), None)
    return _Span(
        first=first,
        last=last,
        whole=whole,
        starts_mid_sentence=bool(touching) and touching[0][0].first_segment < first,
        ends_mid_sentence=bool(touching) and touching[-1][0].last_segment > last,
        ends_before_list_item=following is not None and list_items[following],
        boilerplate_share=boiler / total,
    )


def _kept_text(
    segments: Sequence[TranscriptSegment], start: float, end: float
) -> tuple[str, tuple[float, float]]:
    """The words of the shared speech track's sentences wholly inside [start, end], and their range: the
    repair snaps a clip to the nearest sentence edges, so whatever else it keeps, it keeps these —
    titles, descriptions and hashtags taken from them stay words of the final clip."""
    track = speech_track(segments)
    inner = track.within(start, end, 0.01)
    if not inner:
        return " ".join(one_line(s.text) for s in segments if s.end_sec > start and s.start_sec < end), (
            start,
            end,
        )
    text = " ".join(track.text(index) for index in inner)
    return text, (track.starts[inner[0]], track.ends[inner[-1]])


def _boilerplate_factor(share: float) -> float:
    return 1 - (1 - BOILERPLATE_FLOOR) * _clamp(share / BOILERPLATE_FULL_SHARE)


def _describe(
    segments: Sequence[TranscriptSegment],
    span: _Span,
    scores: SubScores,
    video_type: VideoType,
    profile: LanguageProfile,
    taken_titles: Set[str],
) -> LlmClip:
    chosen = segments[span.first : span.last + 1]
    text, kept = _kept_text(segments, chosen[0].start_sec, chosen[-1].end_sec)
    inside = [s for s in span.whole if kept[0] - 0.01 <= s.start_sec and s.end_sec <= kept[1] + 0.01]
    parts = [sentence.text for sentence in inside or span.whole] or [text]
    complete = [sentence.text for sentence in inside or span.whole if sentence.complete]
    key = keyphrases(text, profile, 5)
    title = choose_title(complete, key, profile, taken_titles, lambda candidate: _hook(candidate, profile))
    rest = [part for part in parts if title.lower().rstrip("?!") not in part.lower()]
    return LlmClip(
        start_sec=chosen[0].start_sec,
        end_sec=chosen[-1].end_sec,
        title=title,
        description=shorten(" ".join(rest[:2]) or text, 200),
        viral_score=scores.viral_score,
        grades=LlmGrades(
            hook=grade_for(scores.hook).value,
            flow=grade_for(scores.flow).value,
            value=grade_for(scores.value).value,
            trend=grade_for(scores.trend).value,
        ),
        viral_reason=_reason(parts[0], scores, profile),
        hook=shorten(parts[0], 150),
        hashtags=hashtags(text, profile, video_type.value),
    )


def _reason(opening: str, scores: SubScores, profile: LanguageProfile) -> str:
    start = profile.reasons[opening_cue(opening, profile) or "plain"]
    if scores.value >= 0.6:
        return f"{start} {profile.reasons['dense']}"
    if scores.flow >= 0.7:
        return f"{start} {profile.reasons['complete']}"
    return f"{start} {profile.reasons['steady']}"


def _cut_density(window: Window) -> float:
    minutes = max(window.end_sec - window.start_sec, 1.0) / 60
    return max(len(window.scene_ids) - 1, 0) / minutes


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
