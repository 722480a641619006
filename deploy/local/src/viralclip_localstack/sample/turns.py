"""Parse a `Speaker: text` transcript into speaker turns, and turns into caption-sized sentences."""

import itertools
import re
from dataclasses import dataclass

_ROLE_LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<role>[^()]+)\)$")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])")
_ABBREVIATIONS = ("Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "St.", "Jr.", "Sr.", "vs.", "e.g.", "i.e.")
_CLAUSE_BREAK = re.compile(r"[,;:—–]$")


@dataclass(frozen=True)
class Turn:
    """One speaker's uninterrupted stretch of speech."""

    speaker: str
    text: str


def parse_turns(text: str) -> list[Turn]:
    """Parse one `Speaker: text` turn per line; blank lines are skipped.

    A label such as `Pat Ryan (Host)` names the speaker and declares the alias `Host`, so later
    `Host:` turns are attributed to `Pat Ryan`.
    """
    aliases: dict[str, str] = {}
    turns: list[Turn] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, separator, speech = line.partition(":")
        if not separator or not label.strip() or not speech.strip():
            raise ValueError(f"transcript line {number}: expected 'Speaker: text', got {line[:60]!r}")
        speaker = _resolve_speaker(label.strip(), aliases)
        turns.append(Turn(speaker=speaker, text=" ".join(speech.split())))
    if not turns:
        raise ValueError("transcript: no 'Speaker: text' lines found")
    return turns


def _resolve_speaker(label: str, aliases: dict[str, str]) -> str:
    match = _ROLE_LABEL.match(label)
    if match is None:
        return aliases.get(label, label)
    name, role = match.group("name").strip(), match.group("role").strip()
    aliases[role] = name
    return name


def split_sentences(text: str) -> list[str]:
    """Split a turn into sentences at `.`, `!` or `?` followed by a capitalised word."""
    sentences: list[str] = []
    pending = ""
    for piece in _pieces(text.strip()):
        pending = f"{pending} {piece}".strip() if pending else piece.strip()
        if not pending.endswith(_ABBREVIATIONS):
            sentences.append(pending)
            pending = ""
    if pending:
        sentences.append(pending)
    return [sentence for sentence in sentences if sentence]


def _pieces(text: str) -> list[str]:
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    bounds = [0, *ends, len(text)]
    return [text[start:end].strip() for start, end in itertools.pairwise(bounds)]


def split_long_sentence(sentence: str, max_words: int) -> list[str]:
    """Cut a sentence longer than `max_words` into caption-sized parts, preferring clause breaks."""
    if max_words < 2:
        raise ValueError("max_words: must be at least 2")
    words = sentence.split()
    if len(words) <= max_words:
        return [sentence]
    cut = _best_cut(words)
    return split_long_sentence(" ".join(words[:cut]), max_words) + split_long_sentence(
        " ".join(words[cut:]), max_words
    )


def _best_cut(words: list[str]) -> int:
    middle = len(words) // 2
    clause_cuts = [i + 1 for i, word in enumerate(words[:-1]) if _CLAUSE_BREAK.search(word)]
    near = [cut for cut in clause_cuts if abs(cut - middle) <= len(words) // 4]
    return min(near, key=lambda cut: abs(cut - middle)) if near else middle
