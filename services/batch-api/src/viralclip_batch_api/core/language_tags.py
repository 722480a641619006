"""Whether a language tag is a BCP-47 tag of a registered language (pure).

`langcodes` checks the RFC 5646 syntax and every subtag against the IANA language subtag registry it
ships (nothing is downloaded): `en`, `pt-BR`, `zh-Hant-TW`, `i-klingon` and private use (`x-foo`) are
valid; `klingon!!`, `abcd` and the unassigned `xx` are not. Case is not significant and is kept as given.
"""

import langcodes

EXAMPLES = "'en', 'id', 'pt-BR', 'zh-Hant-TW'"


def is_language_tag(tag: str) -> bool:
    """True when `tag` is a valid BCP-47 tag. An underscore is not a subtag separator here, although
    langcodes reads one as a hyphen: `pt_BR` is a locale name, not a language tag."""
    return "_" not in tag and tag == tag.strip() and langcodes.tag_is_valid(tag)


def checked_language_tag(tag: str) -> str:
    """`tag` unchanged when it is valid; else a ValueError saying what a tag looks like."""
    if is_language_tag(tag):
        return tag
    if "_" in tag and is_language_tag(tag.replace("_", "-")):
        hint = f"subtags are separated by '-': {tag.replace('_', '-')!r}"
    else:
        hint = f"e.g. {EXAMPLES}"
    raise ValueError(
        f"must be a well-formed BCP-47 language tag of a registered language ({hint}); got {tag!r}"
    )
