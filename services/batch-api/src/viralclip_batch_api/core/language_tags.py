"""Whether a language tag is a well-formed BCP-47 tag (RFC 5646, section 2.1 syntax; pure).

Only the syntax is checked, not the IANA registry: `language` (2–3 letters with up to three extlangs, or
5–8 letters; 4 letters are reserved and never assigned), then optional `script` (4 letters), `region`
(2 letters or 3 digits), variants (5–8 alphanumerics, or a digit and 3), extensions (a singleton other than
`x` and subtags of 2–8) and private use (`x` and subtags of 1–8); a private-use tag alone (`x-foo`) and the
irregular grandfathered tags (`i-klingon`, `en-GB-oed`, …) are well-formed too. Case is not significant
and is kept as given. No library in the lock file does this (langcodes is not a dependency).
"""

import re

_LANGTAG = re.compile(
    r"""
    (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{5,8})  # language, with extlangs
    (?:-[a-z]{4})?                                # script
    (?:-(?:[a-z]{2}|[0-9]{3}))?                   # region
    (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*      # variants
    (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*           # extensions
    (?:-x(?:-[a-z0-9]{1,8})+)?                    # private use
    |x(?:-[a-z0-9]{1,8})+                         # private use alone
    """,
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
_IRREGULAR = frozenset(
    tag.lower()
    for tag in (
        "en-GB-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-BE-FR",
        "sgn-BE-NL",
        "sgn-CH-DE",
    )
)
EXAMPLES = "'en', 'id', 'pt-BR', 'zh-Hant-TW'"


def is_well_formed(tag: str) -> bool:
    """True when `tag` follows the BCP-47 syntax (see the module docstring)."""
    return _LANGTAG.fullmatch(tag) is not None or tag.lower() in _IRREGULAR


def checked_language_tag(tag: str) -> str:
    """`tag` unchanged when it is well-formed; else a ValueError saying what a tag looks like."""
    if is_well_formed(tag):
        return tag
    if "_" in tag and is_well_formed(tag.replace("_", "-")):
        hint = f"subtags are separated by '-': {tag.replace('_', '-')!r}"
    else:
        hint = f"e.g. {EXAMPLES}"
    raise ValueError(f"must be a well-formed BCP-47 language tag ({hint}); got {tag!r}")
