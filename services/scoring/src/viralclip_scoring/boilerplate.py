"""Boilerplate of a transcript: intros, sponsor reads and closing credits (pure).

A sentence scores one hit per boilerplate phrase of its language ("welcome to", "sponsored by",
"audio engineers", "diproduksi oleh", "jangan lupa subscribe", …) and one for a run of proper names
(three or more capitalised words after its first, a third of its words or more: a credits roll). It is
boilerplate with two hits anywhere, and with one hit near either end of the video (the first or last
EDGE_SHARE of the timeline, at least EDGE_MIN_SEC), where intros and credits sit.
"""

from collections.abc import Sequence

from .language import LanguageProfile, count_phrases
from .text import Sentence, words

EDGE_SHARE = 0.05
EDGE_MIN_SEC = 60.0
NAME_RUN_MIN = 3
NAME_SHARE_MIN = 1 / 3
_NOT_NAMES = frozenset({"I", "I'm", "I've", "I'd", "I'll", "OK", "Okay"})


def boilerplate_hits(text: str, profile: LanguageProfile) -> int:
    """Boilerplate phrases of `profile` in `text`, plus one for a run of proper names."""
    tokens = words(text)
    hits = count_phrases([token.lower() for token in tokens], profile.boilerplate)
    return hits + (1 if has_name_run(tokens) else 0)


def has_name_run(tokens: Sequence[str]) -> bool:
    """Whether the words after the first are mostly capitalised names (a credits line)."""
    names = [token for token in tokens[1:] if token[:1].isupper() and token not in _NOT_NAMES]
    return len(names) >= NAME_RUN_MIN and len(names) >= NAME_SHARE_MIN * len(tokens)


def boilerplate_flags(
    sentences: Sequence[Sentence], profile: LanguageProfile, timeline: tuple[float, float]
) -> list[bool]:
    """For each sentence, whether it is boilerplate (see the module docstring)."""
    start, end = timeline
    edge = max(EDGE_MIN_SEC, EDGE_SHARE * (end - start))
    return [
        boilerplate_hits(sentence.text, profile)
        >= (1 if sentence.start_sec < start + edge or sentence.end_sec > end - edge else 2)
        for sentence in sentences
    ]
