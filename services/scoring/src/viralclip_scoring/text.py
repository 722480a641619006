"""Small text helpers shared by prompt building, repair and the offline scorer (pure)."""

import re
from collections.abc import Sequence, Set
from dataclasses import dataclass

from viralclip_contracts import TranscriptSegment

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_WORD = re.compile(r"\d+(?:[.,:]\d+)+|[^\W_]+(?:['’-][^\W_]+)*")


def one_line(text: str) -> str:
    """`text` with every run of whitespace collapsed to one space."""
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """`text` split after sentence-ending punctuation."""
    return [part for part in _SENTENCE_END.split(one_line(text)) if part]


def words(text: str) -> list[str]:
    """The words of `text` in order: letters and digits, inner apostrophes and hyphens kept, a number
    such as "17,000" or "2.5" whole."""
    return _WORD.findall(text)


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis when cut."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-") + "…"


# --- sentences of a transcript, from its words -------------------------------------------------------

PAUSE_SEC = 0.8
LONG_SENTENCE_WORDS = 30
_TERMINAL = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_TERMINAL_INSIDE = re.compile(r"[.!?…。！？](?:\s|$)")
_CLAUSE_END = re.compile(r"[,;:—–][\"'”’»)\]]*$")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a run of transcript segments, with the segments it spans (indices, inclusive)."""

    text: str
    start_sec: float
    end_sec: float
    first_segment: int
    last_segment: int
    opens_segment: bool
    closes_segment: bool
    complete: bool = True


@dataclass(frozen=True)
class _Token:
    text: str
    start_sec: float
    end_sec: float
    segment: int


def transcript_sentences(
    segments: Sequence[TranscriptSegment],
    *,
    openers: Set[str] = frozenset(),
    abbreviations: Set[str] = frozenset(),
    pause_sec: float = PAUSE_SEC,
) -> list[Sentence]:
    """Split `segments` (in time order) into sentences, wherever the segments themselves end.

    A sentence ends after sentence punctuation (not after an abbreviation such as "Dr."), at a speaker
    change, at a pause of `pause_sec` or more between words (the segment's `words`; without them the
    segment's text with times spread evenly), before a capitalised discourse marker of `openers` that
    follows a word without punctuation ("… input-an Nah kita …"), and after a comma once it runs past
    LONG_SENTENCE_WORDS words. In a punctuated transcript (a third of its segments or more carry
    sentence punctuation) a pause ends a sentence only before a capitalised word. Numbers such as
    "17,000" or "2.5" never split. A sentence is `complete` unless it was cut for length, runs past the
    last segment without punctuation, or is the first one and starts in lower case in a punctuated
    transcript (it may continue an earlier sentence).
    """
    tokens = [token for index, segment in enumerate(segments) for token in _tokens(segment, index)]
    punctuated = sum(bool(_TERMINAL_INSIDE.search(s.text)) for s in segments) >= len(segments) / 3
    found: list[Sentence] = []
    current: list[_Token] = []
    started_clean = not punctuated or tokens[:1] == [] or tokens[0].text[:1].isupper()
    for position, token in enumerate(tokens):
        current.append(token)
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        reason: str | None
        if following is None:
            reason = "punct" if _TERMINAL.search(token.text) else "end"
        else:
            reason = _break_reason(
                token, following, len(current), segments, openers, abbreviations, pause_sec, punctuated
            )
        if reason is not None:
            complete = started_clean and reason not in ("long", "end")
            found.append(_sentence(current, tokens, position, segments, complete))
            current = []
            started_clean = reason != "long"
    return found


def _tokens(segment: TranscriptSegment, index: int) -> list[_Token]:
    if segment.words:
        return [
            _Token(word.text.strip(), word.start_sec, word.end_sec, index)
            for word in segment.words
            if word.text.strip()
        ]
    pieces = segment.text.split()
    total = sum(len(piece) + 1 for piece in pieces) or 1
    span = segment.end_sec - segment.start_sec
    tokens: list[_Token] = []
    offset = 0
    for piece in pieces:
        start = segment.start_sec + span * offset / total
        offset += len(piece) + 1
        tokens.append(_Token(piece, start, segment.start_sec + span * offset / total, index))
    return tokens


def _break_reason(
    token: _Token,
    following: _Token,
    length: int,
    segments: Sequence[TranscriptSegment],
    openers: Set[str],
    abbreviations: Set[str],
    pause_sec: float,
    punctuated: bool,
) -> str | None:
    """Why a sentence ends between `token` and `following`, or None when it does not."""
    if _TERMINAL.search(token.text) and token.text.lower() not in abbreviations:
        return "punct"
    if following.segment != token.segment and (
        segments[following.segment].speaker != segments[token.segment].speaker
    ):
        return "speaker"
    capital = following.text.strip("\"'“‘(")[:1].isupper()
    if following.start_sec - token.end_sec >= pause_sec and (capital or not punctuated):
        return "pause"
    bare = following.text.strip("\"'“‘(,.").lower()
    if capital and bare in openers and not _CLAUSE_END.search(token.text):
        return "opener"
    if length >= LONG_SENTENCE_WORDS and _CLAUSE_END.search(token.text):
        return "long"
    return None


def _sentence(
    current: list[_Token],
    tokens: list[_Token],
    position: int,
    segments: Sequence[TranscriptSegment],
    complete: bool,
) -> Sentence:
    first, last = current[0], current[-1]
    start_index = position - len(current) + 1
    opens = start_index == 0 or tokens[start_index - 1].segment != first.segment
    closes = position + 1 == len(tokens) or tokens[position + 1].segment != last.segment
    return Sentence(
        text=" ".join(token.text for token in current),
        start_sec=segments[first.segment].start_sec if opens else first.start_sec,
        end_sec=segments[last.segment].end_sec if closes else last.end_sec,
        first_segment=first.segment,
        last_segment=last.segment,
        opens_segment=opens,
        closes_segment=closes,
        complete=complete,
    )
