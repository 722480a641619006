"""Words and sentences of a transcript, and where a clip may start or end (pure, shared by the services).

- `estimate_words` / `with_words`: word times spread over a segment that has none (documented rule).
- `split_sentences`: words into sentences by punctuation and by pauses between words.
- `speech_track`: a transcript's sentences and words on one time line, with the boundary queries
  windowing and the scorer's repair cut clips with.
"""

from .estimate import estimate_words, estimated_times, with_words
from .sentences import DEFAULT_PAUSE_SEC, Sentence, breaks_between, ends_sentence, split_sentences
from .track import DEFAULT_SENTENCE_RULES, SentenceRules, SpeechTrack, speech_track

__all__ = [
    "DEFAULT_PAUSE_SEC",
    "DEFAULT_SENTENCE_RULES",
    "Sentence",
    "SentenceRules",
    "SpeechTrack",
    "breaks_between",
    "ends_sentence",
    "estimate_words",
    "estimated_times",
    "speech_track",
    "split_sentences",
    "with_words",
]
