"""Small text helpers shared by prompt building, repair and the offline scorer (pure)."""

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def one_line(text: str) -> str:
    """`text` with every run of whitespace collapsed to one space."""
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """`text` split after sentence-ending punctuation."""
    return [part for part in _SENTENCE_END.split(one_line(text)) if part]


def words(text: str) -> list[str]:
    """The words of `text` (letters and digits, inner apostrophes kept), in order."""
    return _WORD.findall(text)


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis when cut."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-") + "…"
