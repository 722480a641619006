"""Titles and hashtags a person would post, from a clip's own words, in its language (pure).

A title is a whole sentence of the clip, or the first clause of one (or a clause after ";", ":" or a
dash), with the language's dangling openers, fillers and a list item's ordinal taken off its start
("So,", "Nah, jadi", "Secondly,", "Kedua,") and fillers off its end ("…, gitu", "…, you know"). It has
at least TITLE_MIN_WORDS words and at most TITLE_LIMIT characters, starts with a letter (capitalised: it
starts a sentence or a clause), does not start on a subordinator ("if", "because", "kalau", "yang")
unless it is a question, and does not end on a filler or a dangling word ("the", "of", "and", "dan",
"yang", "di"). Among those, the strongest hook with the most keyphrases wins, earlier sentences first.
No candidate (or every one already another clip's title) → a keyphrase-led headline ("Regolith, oxygen
and rocket fuel"). Hashtags: 3–4
keyphrases of the clip that are not stopwords of the language, plus the genre.
"""

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence, Set

from .language import LanguageProfile, ends_with, starts_with
from .text import sentences, words

TITLE_LIMIT = 60
TITLE_MIN_WORDS = 4
TITLE_SENTENCES = 6
KEYPHRASE_TAGS = 4
MIN_KEYPHRASE_TAGS = 3
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+[—–-]{1,2}\s+")
_STRONG_BREAK = re.compile(r"(?<=[;:])\s+")
_EDGE_PUNCT = "\"'“”‘’()[]«»,.;:…—–- "
_QUOTES = (("“", "”"), ("(", ")"), ("[", "]"), ("«", "»"))


def title_candidates(sentence: str, profile: LanguageProfile) -> list[str]:
    """The whole sentence and its usable clauses, cleaned (see the module docstring), best first.

    A first clause counts only when what follows its comma is a clause of its own (it opens with a
    conjunction: "…, and …", "…, tapi …"); a clause between ";" or ":" always does. Asides between
    dashes never do."""
    found = [clean] if (clean := clean_clause(sentence, profile)) else []
    first, *rest = _CLAUSE_BREAK.split(sentence)
    strong = _STRONG_BREAK.split(sentence)
    clauses = strong if len(strong) > 1 else []
    if rest:
        following = [_bare(token) for token in rest[0].split()]
        if starts_with(following, profile.dangling_openers):
            clauses.insert(0, first)
    for clause in clauses:
        cleaned = clean_clause(clause, profile, clause=True)
        if cleaned and cleaned not in found:
            found.append(cleaned)
    return found


def _list_ordinal(tokens: Sequence[str], lowered: Sequence[str], profile: LanguageProfile) -> int:
    """1 when the clause opens on a list item's ordinal set off by a comma or colon ("Kedua, …")."""
    ordinal = lowered[0] in profile.list_ordinals or (lowered[0],) in profile.list_continuations
    return 1 if ordinal and tokens[0].endswith((",", ":")) else 0


def clean_clause(text: str, profile: LanguageProfile, *, clause: bool = False) -> str | None:
    """`text` made a title (openers and fillers off its ends, capitalised), or None if it is not one."""
    tokens = text.split()
    lowered = [_bare(token) for token in tokens]
    while tokens:
        cut = max(
            starts_with(lowered, profile.dangling_openers),
            starts_with(lowered, profile.fillers),
            _list_ordinal(tokens, lowered, profile),
        )
        if cut == 0 or cut >= len(tokens):
            break
        tokens, lowered = tokens[cut:], lowered[cut:]
    question = text.strip().rstrip("\"'”’)»").endswith("?")
    while tokens:
        cut = ends_with(lowered, profile.fillers)
        if cut == 0 or cut >= len(tokens):
            break
        tokens, lowered = tokens[:-cut], lowered[:-cut]
    if not tokens:
        return None
    title = " ".join(tokens).strip(_EDGE_PUNCT).rstrip("?!").strip(_EDGE_PUNCT)
    if not title or not title[0].isalpha() or any(title.count(a) != title.count(b) for a, b in _QUOTES):
        return None
    if title.count('"') % 2:
        return None
    title_words = [_bare(token) for token in title.split()]
    if len(words(title)) < TITLE_MIN_WORDS or not all(title_words):
        return None
    if ends_with(title_words, profile.dangling_ends) or ends_with(title_words, profile.fillers):
        return None
    if starts_with(title_words, profile.subordinators) and not question:
        return None
    if clause and starts_with(title_words, profile.dangling_openers):
        return None
    suffix = "?" if question else ("!" if text.strip().rstrip("\"'”’)»").endswith("!") else "")
    return title[0].upper() + title[1:] + suffix


def choose_title(
    sentences: Sequence[str],
    keyphrases: Sequence[str],
    profile: LanguageProfile,
    taken: Set[str],
    strength: Callable[[str], float],
) -> str:
    """The clip's title: the strongest fitting candidate of its first sentences not in `taken`
    (lower case), else a keyphrase-led headline; never one of `taken`."""
    key = {phrase.lower() for phrase in keyphrases}
    best: tuple[float, str] | None = None
    for index, sentence in enumerate(sentences[:TITLE_SENTENCES]):
        for rank, candidate in enumerate(title_candidates(sentence, profile)):
            if len(candidate) > TITLE_LIMIT or candidate.lower() in taken:
                continue
            hits = len(key.intersection(token.lower() for token in words(candidate)))
            score = strength(candidate) + 0.15 * min(hits, 3) - 0.03 * index - 0.05 * rank
            if best is None or score > best[0]:
                best = (score, candidate)
    if best is not None:
        return best[1]
    return keyphrase_headline(keyphrases, profile, taken)


def keyphrase_headline(keyphrases: Sequence[str], profile: LanguageProfile, taken: Set[str]) -> str:
    """ "A, B and C" from the clip's keyphrases, capitalised, ≤ TITLE_LIMIT characters, not in `taken`."""
    phrases = list(keyphrases) or ["Highlights"]
    for size in (3, 2, 1):
        for combo in itertools.combinations(phrases, min(size, len(phrases))):
            headline = _join(combo, profile.and_word)
            if len(headline) <= TITLE_LIMIT and headline.lower() not in taken:
                return headline
    base = _join(phrases[:1], profile.and_word)[: TITLE_LIMIT - 6]
    return next(f"{base} ({n})" for n in itertools.count(2) if f"{base} ({n})".lower() not in taken)


def keyphrases(text: str, profile: LanguageProfile, count: int) -> list[str]:
    """The clip's most telling phrases: two-word phrases said twice (or two names in a row) first,
    then single words, frequent first, names before common words; never a stopword, a number or a
    word shorter than three letters. Names keep their written form."""
    surface: dict[str, str] = {}
    pairs: Counter[tuple[str, str]] = Counter()
    for sentence in sentences(text):
        tokens = words(sentence)
        for index, token in enumerate(tokens):
            if index > 0 and token[:1].isupper():
                surface.setdefault(token.lower(), token)
        for left, right in itertools.pairwise(tokens):
            if _topical(left, profile) and _topical(right, profile) and f"{left} {right}" in sentence:
                pairs[(left.lower(), right.lower())] += 1
    names = set(surface)
    counts = Counter(
        token.lower()
        for token in words(text)
        if _topical(token, profile)
        and (token.lower() in names or not token.lower().endswith(profile.weak_suffixes or ("\0",)))
    )
    chosen: list[tuple[str, str]] = []
    for pair, seen in sorted(pairs.items(), key=lambda item: (-item[1], item[0])):
        fresh = not any(set(pair) & set(other) for other in chosen)
        if fresh and len(chosen) < 2 and (seen >= 2 or (pair[0] in names and pair[1] in names)):
            chosen.append(pair)
    ranked = sorted(counts, key=lambda word: (-counts[word] - (word in names), -len(word), word))
    used = {word for pair in chosen for word in pair}
    phrases = [" ".join(surface.get(word, word) for word in pair) for pair in chosen]
    phrases += [surface.get(word, word) for word in ranked if word not in used]
    return phrases[:count]


def hashtags(text: str, profile: LanguageProfile, video_type: str) -> list[str]:
    """3–4 keyphrase tags of the clip (fewer only when it has fewer topical words) and the genre's."""
    genre = "#" + profile.genre_tags.get(video_type, video_type.replace("_", ""))
    tags: list[str] = []
    for phrase in keyphrases(text, profile, KEYPHRASE_TAGS + 3):
        bare = " ".join(_owner(word, profile) for word in phrase.split())
        tag = "#" + re.sub(r"[^\w]", "", bare.lower())
        if len(tag) > 2 and tag not in tags and tag != genre:
            tags.append(tag)
    return [*tags[:KEYPHRASE_TAGS], genre] if len(genre) > 1 else tags[:KEYPHRASE_TAGS]


def _topical(token: str, profile: LanguageProfile) -> bool:
    lowered = token.lower()
    letters = lowered.replace("-", "").replace("'", "").replace("’", "")
    return (
        len(letters) >= 3
        and letters.isalpha()
        and lowered not in profile.stopwords
        and lowered not in profile.number_words
    )


def _owner(token: str, profile: LanguageProfile) -> str:
    """`token` without a possessive ending ("Earth's" → "Earth"): a title keeps "Earth's", a tag is
    #earth, never #earths."""
    lowered = token.lower()
    for ending in profile.possessive_endings:
        if lowered.endswith(ending) and len(token) > len(ending) + 2:
            return token[: -len(ending)]
    return token


def _join(phrases: Sequence[str], and_word: str) -> str:
    parts = list(phrases)
    text = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {and_word} {parts[-1]}"
    return text[0].upper() + text[1:]


def _bare(token: str) -> str:
    return token.strip(_EDGE_PUNCT + "?!").lower()
