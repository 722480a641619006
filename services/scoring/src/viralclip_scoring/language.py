"""The offline scorer's knowledge of one language, read from `languages/<code>.toml` (pure, cached).

A profile holds the word lists the scorer needs (stopwords, fillers, dangling openers and ends, hook cues,
boilerplate phrases, genre hashtags, the trend lexicon per video type). Stopwords start from the
`stopwordsiso` package (stopwords-iso, MIT, shipped in its wheel) and the file adds and removes words.
A language without a file gets the neutral profile: stopwords-iso's list when it has one, nothing else,
so punctuation, numbers, names and pace still count. Adding a language is adding one TOML file.
"""

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources import files

import stopwordsiso

Phrase = tuple[str, ...]
ENGLISH_REASONS = {
    "question": "Opens with a question",
    "number": "Opens with a concrete number",
    "address": "Speaks straight to the viewer",
    "claim": "Opens with a bold claim",
    "plain": "Gets to the point",
    "dense": "and packs specific, dense information.",
    "complete": "and tells one complete thought.",
    "steady": "and keeps a steady pace.",
}
_ALIASES = {"in": "id", "iw": "he", "ji": "yi"}  # deprecated ISO 639-1 codes still found in the wild


@dataclass(frozen=True)
class LanguageProfile:
    """Word lists of one language; `phrases` are lower-case token tuples (several words allowed)."""

    code: str
    name: str
    has_file: bool
    and_word: str = "&"
    stopwords: frozenset[str] = frozenset()
    fillers: frozenset[Phrase] = frozenset()
    dangling_openers: frozenset[Phrase] = frozenset()
    subordinators: frozenset[Phrase] = frozenset()
    dangling_ends: frozenset[Phrase] = frozenset()
    context_pronouns: frozenset[str] = frozenset()
    list_continuations: frozenset[Phrase] = frozenset()
    list_ordinals: frozenset[str] = frozenset()
    question_words: frozenset[Phrase] = frozenset()
    direct_address: frozenset[Phrase] = frozenset()
    claim_words: frozenset[Phrase] = frozenset()
    number_words: frozenset[str] = frozenset()
    weak_suffixes: tuple[str, ...] = ()
    possessive_endings: tuple[str, ...] = ()
    abbreviations: frozenset[str] = frozenset()
    boilerplate: frozenset[Phrase] = frozenset()
    genre_tags: Mapping[str, str] = field(default_factory=dict)
    trend: Mapping[str, frozenset[Phrase]] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=lambda: dict(ENGLISH_REASONS))

    def trend_words(self, video_type: str) -> frozenset[Phrase]:
        """The trend lexicon of `video_type` joined with the one for every type (`*`)."""
        return self.trend.get(video_type, frozenset()) | self.trend.get("*", frozenset())

    def with_trend(self, extra: Mapping[str, Iterable[str]]) -> "LanguageProfile":
        """This profile with the words of `extra` ({video_type: [words]}) added to its trend lexicon."""
        if not extra:
            return self
        merged = dict(self.trend)
        for video_type, words in extra.items():
            merged[video_type] = merged.get(video_type, frozenset()) | _phrases(words)
        return replace(self, trend=merged)


def primary_code(language: str) -> str:
    """The primary subtag of a BCP-47 tag, lower case, deprecated codes mapped (`in-ID` → `id`)."""
    primary = language.strip().replace("_", "-").split("-")[0].lower()
    return _ALIASES.get(primary, primary)


def available_languages() -> tuple[str, ...]:
    """Codes that have a data file, sorted."""
    folder = files(__package__).joinpath("languages")
    return tuple(sorted(item.name[:-5] for item in folder.iterdir() if item.name.endswith(".toml")))


@cache
def load_profile(language: str) -> LanguageProfile:
    """The profile of `language` (any BCP-47 tag); the neutral one when there is no file for it."""
    code = primary_code(language)
    source = files(__package__).joinpath("languages", f"{code}.toml")
    package_stopwords = frozenset(stopwordsiso.stopwords(code)) if code.isalpha() else frozenset()
    if not source.is_file():
        return LanguageProfile(code=code, name=code, has_file=False, stopwords=package_stopwords)
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    return parse_profile(data, package_stopwords)


def parse_profile(data: Mapping[str, object], package_stopwords: frozenset[str]) -> LanguageProfile:
    """A profile from the parsed TOML document `data` (see `languages/en.toml` for the layout)."""
    stop = _table(data, "stopwords")
    words = _table(data, "words")
    keep = _words(stop, "keep")
    stopwords = (package_stopwords | _words(stop, "extra")) - keep
    return LanguageProfile(
        code=str(data["code"]),
        name=str(data.get("name", data["code"])),
        has_file=True,
        and_word=str(data.get("and_word", "&")),
        stopwords=frozenset(word for word in stopwords if " " not in word),
        fillers=_phrases(_list(words, "fillers")),
        dangling_openers=_phrases(_list(words, "dangling_openers")),
        subordinators=_phrases(_list(words, "subordinators")),
        dangling_ends=_phrases(_list(words, "dangling_ends")),
        context_pronouns=_words(words, "context_pronouns"),
        list_continuations=_phrases(_list(words, "list_continuations")),
        list_ordinals=_words(words, "list_ordinals"),
        question_words=_phrases(_list(words, "question_words")),
        direct_address=_phrases(_list(words, "direct_address")),
        claim_words=_phrases(_list(words, "claim_words")),
        number_words=_words(words, "number_words"),
        weak_suffixes=tuple(_list(words, "weak_suffixes")),
        possessive_endings=tuple(_list(words, "possessive_endings")),
        abbreviations=_words(words, "abbreviations"),
        boilerplate=_phrases(_list(_table(data, "boilerplate"), "phrases")),
        genre_tags={str(k): str(v) for k, v in _table(data, "genre_tags").items()},
        trend={str(k): _phrases(_as_list(v, f"trend.{k}")) for k, v in _table(data, "trend").items()},
        reasons={**ENGLISH_REASONS, **{str(k): str(v) for k, v in _table(data, "reasons").items()}},
    )


def starts_with(tokens: list[str], phrases: frozenset[Phrase]) -> int:
    """Length of the longest phrase of `phrases` that `tokens` (lower case) start with; 0 if none."""
    return max((len(p) for p in phrases if tuple(tokens[: len(p)]) == p), default=0)


def ends_with(tokens: list[str], phrases: frozenset[Phrase]) -> int:
    """Length of the longest phrase of `phrases` that `tokens` (lower case) end with; 0 if none."""
    fits = (p for p in phrases if 0 < len(p) <= len(tokens))
    return max((len(p) for p in fits if tuple(tokens[-len(p) :]) == p), default=0)


def count_phrases(tokens: list[str], phrases: frozenset[Phrase]) -> int:
    """How many times any phrase of `phrases` occurs in `tokens` (lower case)."""
    lengths = {len(phrase) for phrase in phrases}
    return sum(
        tuple(tokens[index : index + length]) in phrases
        for length in lengths
        for index in range(len(tokens) - length + 1)
    )


def _phrases(words: Iterable[str]) -> frozenset[Phrase]:
    return frozenset(tuple(word.lower().split()) for word in words if word.strip())


def _words(table: Mapping[str, object], key: str) -> frozenset[str]:
    return frozenset(word.lower() for word in _list(table, key))


def _list(table: Mapping[str, object], key: str) -> list[str]:
    return _as_list(table.get(key, []), key)


def _as_list(value: object, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"language file: {key} must be a list of strings")
    return value


def _table(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ValueError(f"language file: [{key}] must be a table")
    return value
