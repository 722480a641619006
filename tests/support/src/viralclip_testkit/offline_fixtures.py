"""Transcripts the offline scorer is judged on, with their boilerplate marked by hand, and the rules.

Two fixtures: the bundled NASA podcast (English, deploy/local's sample) and an Indonesian lecture
written for these tests in Whisper's JSON shape (`fixtures/id-kuliah-function-java.whisper.json`: a
Java class with "nah", "jadi", "gitu", segments that end mid-sentence, an unpunctuated stretch, a
sponsor read and closing credits). `clip_rule_failures` checks one batch of clips against the rules of
services/scoring/README.md ("Titles and hashtags", "Boilerplate") and names each failure.
"""

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

from viralclip_contracts import Clip, TranscriptSegment, Window, Word
from viralclip_scoring.language import LanguageProfile, ends_with, starts_with
from viralclip_scoring.text import transcript_sentences, words
from viralclip_transcripts import with_words

from .responses_sample import sample_windows

TITLE_LIMIT = 60
RULES = (
    "title at most 60 characters",
    "title starts with a capitalised word",
    "title is a whole clause or a keyphrase headline",
    "title does not end on a filler or dangling word",
    "title unique in the batch",
    "3-4 keyphrase hashtags plus the genre",
    "no hashtag is a stopword",
    "hashtags are words of the clip",
    "boilerplate not in the top three",
)


@dataclass(frozen=True)
class Fixture:
    name: str
    language: str
    windows: tuple[Window, ...]
    boilerplate: tuple[tuple[float, float], ...]


def indonesian_lecture() -> tuple[TranscriptSegment, ...]:
    """The Indonesian lecture's segments, with their words, as a Whisper import would give them."""
    raw = files(__package__).joinpath("fixtures", "id-kuliah-function-java.whisper.json").read_text("utf-8")
    return tuple(
        TranscriptSegment(
            start_sec=segment["start"],
            end_sec=segment["end"],
            text=segment["text"].strip(),
            words=tuple(
                Word(
                    text=w["word"].strip(),
                    start_sec=w["start"],
                    end_sec=w["end"],
                    confidence=w["probability"],
                )
                for w in segment["words"]
            ),
        )
        for segment in json.loads(raw)["segments"]
    )


def windows_of(segments: Sequence[TranscriptSegment], window_sec: float) -> tuple[Window, ...]:
    """Consecutive segments grouped until a window spans `window_sec`; one scene per segment."""
    groups: list[list[TranscriptSegment]] = [[]]
    for segment in segments:
        groups[-1].append(segment)
        if groups[-1][-1].end_sec - groups[-1][0].start_sec >= window_sec:
            groups.append([])
    return tuple(
        Window(
            window_id=f"w{index:04d}",
            start_sec=group[0].start_sec,
            end_sec=group[-1].end_sec,
            scene_ids=tuple(f"s{index}-{n}" for n in range(len(group))),
            transcript=tuple(group),
        )
        for index, group in enumerate(g for g in groups if g)
    )


def english_sample(max_duration_sec: float | None = None) -> Fixture:
    """The bundled podcast; its intro (up to "Here we go.") and its closing plug and credits marked."""
    windows = sample_windows(75.0, max_duration_sec)
    segments = [segment for window in windows for segment in window.transcript]
    intro_end = next(s.end_sec for s in segments if "Here we go." in s.text)
    outro = next((s.start_sec for s in segments if "If you listened to the first part" in s.text), None)
    marked = [(0.0, intro_end)] + ([(outro, segments[-1].end_sec)] if outro is not None else [])
    return Fixture("bundled sample (en)", "en", windows, tuple(marked))


def indonesian_fixture() -> Fixture:
    """The Indonesian lecture in 45-s windows; its greeting, sponsor read and credits marked."""
    segments = indonesian_lecture()
    sponsor = [s for s in segments if "disponsori" in s.text or "kode promo" in s.text]
    credits = next(s.start_sec for s in segments if "terima kasih sudah menonton" in s.text)
    marked = (
        (0.0, segments[1].end_sec),
        (sponsor[0].start_sec, sponsor[-1].end_sec),
        (credits, segments[-1].end_sec),
    )
    return Fixture("Indonesian lecture (id)", "id", windows_of(segments, 45.0), marked)


def clip_segments(clip: Clip, windows: Sequence[Window]) -> list[TranscriptSegment]:
    """What is said inside the clip: the windows' segments, each cut to its words inside the clip (a clip
    may start or end inside a long cue, between two sentences), in time order, each once."""
    found: dict[tuple[float, float, str], TranscriptSegment] = {}
    for segment in (s for w in windows for s in w.transcript):
        if segment.end_sec <= clip.start_time_sec or segment.start_sec >= clip.end_time_sec:
            continue
        inside = tuple(
            word
            for word in with_words(segment).words
            if clip.start_time_sec - 1e-6 <= word.start_sec and word.end_sec <= clip.end_time_sec + 1e-6
        )
        if inside:
            cut = segment.model_copy(
                update={
                    "start_sec": inside[0].start_sec,
                    "end_sec": inside[-1].end_sec,
                    "text": " ".join(word.text for word in inside),
                    "words": inside,
                }
            )
            found.setdefault((cut.start_sec, cut.end_sec, cut.text), cut)
    return sorted(found.values(), key=lambda s: (s.start_sec, s.end_sec))


def clip_text(clip: Clip, windows: Sequence[Window]) -> str:
    """What is said inside the clip."""
    return " ".join(s.text for s in clip_segments(clip, windows))


def clip_rule_failures(
    clips: Sequence[Clip],
    windows: Sequence[Window],
    profile: LanguageProfile,
    genre: str,
    boilerplate: Sequence[tuple[float, float]] = (),
) -> dict[str, list[str]]:
    """For each rule of RULES, the clips (rank: title) that break it; a batch that keeps every rule
    maps each to an empty list."""
    failures: dict[str, list[str]] = {rule: [] for rule in RULES}
    seen: set[str] = set()
    for clip in clips:
        label = f"#{clip.rank} {clip.title!r}"
        text = clip_text(clip, windows)
        checks = {
            RULES[0]: len(clip.title) <= TITLE_LIMIT,
            RULES[1]: clip.title[:1].isalpha() and clip.title[:1].isupper(),
            RULES[2]: is_whole_clause(clip.title, clip, windows, profile),
            RULES[3]: not _bad_ending(clip.title, profile),
            RULES[4]: clip.title.lower() not in seen,
            RULES[5]: 3 <= len(clip.hashtags) - 1 <= 4 and clip.hashtags[-1] == f"#{genre}",
            RULES[6]: not any(tag[1:] in profile.stopwords for tag in clip.hashtags[:-1]),
            RULES[7]: all(_tag_in_text(tag, text, profile) for tag in clip.hashtags[:-1]),
        }
        seen.add(clip.title.lower())
        for rule, holds in checks.items():
            if not holds:
                failures[rule].append(label)
    for clip in sorted(clips, key=lambda c: c.rank)[:3]:
        if is_boilerplate_clip(clip, boilerplate):
            failures[RULES[8]].append(f"#{clip.rank} {clip.title!r}")
    return failures


def is_boilerplate_clip(clip: Clip, boilerplate: Sequence[tuple[float, float]]) -> bool:
    """At least half of the clip lies in the marked boilerplate."""
    inside = sum(max(0.0, min(clip.end_time_sec, e) - max(clip.start_time_sec, s)) for s, e in boilerplate)
    return inside >= 0.5 * clip.duration_sec


def is_whole_clause(title: str, clip: Clip, windows: Sequence[Window], profile: LanguageProfile) -> bool:
    """The title is a sentence of the clip (split by punctuation and pauses) or a clause of one bounded
    by punctuation, give or take openers and fillers at its ends; or "A, B and C" of the clip's words."""
    segments = clip_segments(clip, windows)
    target = _normal(title)
    for sentence in transcript_sentences(segments, abbreviations=profile.abbreviations):
        for piece in [sentence.text, *re.split(r"(?<=[,;:])\s+", sentence.text)]:
            if _normal(_trim(piece, profile)) == target:
                return True
    spoken = {form for word in words(" ".join(s.text for s in segments)) for form in _forms(word, profile)}
    headline = re.fullmatch(rf"[^,]+(?:, [^,]+)*(?: {re.escape(profile.and_word)} .+)?", title)
    return headline is not None and {w.lower() for w in words(title)} - {profile.and_word} <= spoken


def _trim(piece: str, profile: LanguageProfile) -> str:
    tokens = piece.split()
    while (
        tokens
        and (
            cut := max(
                starts_with(_low(tokens), profile.dangling_openers),
                starts_with(_low(tokens), profile.fillers),
            )
        )
        and cut < len(tokens)
    ):
        tokens = tokens[cut:]
    while tokens and (cut := ends_with(_low(tokens), profile.fillers)) and cut < len(tokens):
        tokens = tokens[:-cut]
    return " ".join(tokens)


def _low(tokens: Sequence[str]) -> list[str]:
    return [token.strip("\"'“”‘’()[],.;:?!…—–-").lower() for token in tokens]


def _normal(text: str) -> str:
    return " ".join(words(text)).lower()


def _bad_ending(title: str, profile: LanguageProfile) -> bool:
    lowered = [word.lower() for word in words(title)]
    return bool(ends_with(lowered, profile.fillers) or ends_with(lowered, profile.dangling_ends))


def _tag_in_text(tag: str, text: str, profile: LanguageProfile) -> bool:
    """The tag is a word of `text` or two in a row (a possessive ending may be off: "Moon's" → #moon)."""
    forms = [{re.sub(r"\W", "", form) for form in _forms(word, profile)} for word in words(text)]
    return any(tag[1:] in one for one in forms) or any(
        tag[1:] in {a + b for a in left for b in right} for left, right in itertools.pairwise(forms)
    )


def _forms(word: str, profile: LanguageProfile) -> set[str]:
    """`word` in lower case, and without a possessive ending of the language if it has one."""
    lowered = word.lower()
    return {lowered} | {lowered[: -len(end)] for end in profile.possessive_endings if lowered.endswith(end)}
