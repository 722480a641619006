"""Word lists of the offline scorer (English). The trend lexicon is the configurable part.

`DEFAULT_TREND_LEXICON` maps a `VideoType` value (and `*` for every type) to words that tend to perform in
short-form clips of that genre; a deployment may replace or extend it (see `settings.py`).
"""

from collections.abc import Iterable, Mapping

FILLERS = frozenset(
    {"um", "uh", "erm", "er", "ah", "hmm", "mm", "like", "basically", "literally", "kinda", "sorta"}
)
DANGLING_OPENERS = frozenset(
    {"and", "but", "so", "because", "or", "um", "uh", "well", "yeah", "like", "also", "then"}
)
CONTEXT_PRONOUNS = frozenset(
    {"it", "that", "this", "they", "he", "she", "those", "these", "there", "which", "him", "her"}
)
DIRECT_ADDRESS = frozenset({"you", "your", "you're", "you've", "you'll", "imagine", "yourself"})
CLAIM_WORDS = frozenset(
    {
        "never", "always", "most", "best", "worst", "biggest", "secret", "truth", "only", "nobody",
        "everyone", "everything", "incredible", "amazing", "important", "mistake", "actually",
        "fundamentally", "key", "first", "greatest", "huge", "critical", "wrong", "real",
    }
)  # fmt: skip
NUMBER_WORDS = frozenset(
    {
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "hundred",
        "thousand", "million", "billion", "percent", "half", "dozen", "fifty", "twenty", "thirty",
    }
)  # fmt: skip
STOPWORDS = frozenset(
    {
        "the", "and", "that", "this", "with", "for", "are", "was", "were", "you", "your", "have",
        "has", "had", "not", "but", "what", "all", "can", "there", "their", "they", "them", "then",
        "from", "about", "into", "just", "like", "really", "very", "know", "think", "going", "gonna",
        "yeah", "well", "also", "some", "because", "would", "could", "should", "which", "when",
        "where", "who", "how", "why", "been", "being", "will", "our", "out", "get", "got", "one",
        "its", "it's", "that's", "there's", "we're", "i'm", "don't", "lot", "thing", "things", "kind",
        "sort", "way", "these", "those", "here", "more", "much", "many", "other", "than", "too",
        "over", "only", "even", "said", "say", "says", "does", "did", "doing", "let", "make",
        "want", "see", "come", "look", "right", "okay", "yes", "now", "actually", "basically",
        "pretty", "something", "anything", "everything", "people", "time", "today", "mean",
        "able", "still", "back", "again", "first", "take", "good", "great", "little", "part",
        "gets", "made", "makes", "term", "whole", "sure", "obviously", "maybe", "probably",
    }
)  # fmt: skip

DEFAULT_TREND_LEXICON: Mapping[str, frozenset[str]] = {
    "*": frozenset(
        {"secret", "mistake", "truth", "nobody", "everyone", "crazy", "insane", "future", "money",
         "free", "hack", "why", "how", "never", "best", "worst", "first", "new", "ai"}
    ),
    "podcast": frozenset(
        {"story", "honestly", "opinion", "advice", "lesson", "learned", "changed", "life",
         "discovery", "surprising", "controversial", "believe", "wrong"}
    ),
    "gaming": frozenset(
        {"clutch", "win", "insane", "boss", "speedrun", "glitch", "noob", "pro", "rage", "epic",
         "kill", "loot", "combo", "gg", "headshot", "ranked", "lag"}
    ),
    "academic": frozenset(
        {"research", "study", "evidence", "data", "discovered", "theory", "experiment", "science",
         "scientists", "found", "results"}
    ),
    "how_to": frozenset(
        {"step", "tip", "tips", "easy", "quick", "trick", "tutorial", "mistake", "fix", "simple",
         "guide", "minutes"}
    ),
    "motivational_speech": frozenset(
        {"dream", "fail", "failure", "success", "believe", "discipline", "purpose", "change",
         "mindset", "courage", "goal", "goals"}
    ),
    "news": frozenset(
        {"breaking", "report", "announced", "billion", "million", "government", "crisis",
         "record", "first", "historic"}
    ),
    "comedy": frozenset({"funny", "joke", "laugh", "awkward", "weird", "ridiculous", "crazy"}),
    "product_review": frozenset(
        {"price", "worth", "battery", "camera", "review", "buy", "cheap", "expensive", "upgrade",
         "verdict", "cons", "pros"}
    ),
    "marketing": frozenset(
        {"growth", "brand", "customers", "sales", "revenue", "strategy", "viral", "audience",
         "conversion", "launch"}
    ),
    "sports_commentary": frozenset(
        {"goal", "score", "win", "record", "champion", "final", "season", "comeback", "team"}
    ),
}  # fmt: skip


def merge_lexicon(
    base: Mapping[str, frozenset[str]], extra: Mapping[str, Iterable[str]]
) -> dict[str, frozenset[str]]:
    """`base` with the lowercased words of `extra` added per video type."""
    merged = dict(base)
    for video_type, additions in extra.items():
        lowered = frozenset(word.lower() for word in additions)
        merged[video_type] = merged.get(video_type, frozenset()) | lowered
    return merged
