"""The transcript's sentences and words as windowing sees them: the shared speech track
(`viralclip_transcripts.speech_track`) with windowing's thresholds.

A sentence ends at terminal punctuation, at a pause, at a speaker turn, or when it would grow past
`max_sentence_sec` (unpunctuated captions) — inside a long cue too, by its words' times. A *sentence
boundary* is any instant not strictly inside a sentence; every sentence boundary is a word boundary.
"""

from viralclip_transcripts import SentenceRules, SpeechTrack, speech_track

from .rules import WindowingRules
from .transcript import Transcript

Sentences = SpeechTrack


def group_sentences(transcript: Transcript, rules: WindowingRules) -> SpeechTrack:
    """The sentences and words of the transcript's segments (their own times, unclipped)."""
    return speech_track(
        transcript.segments,
        SentenceRules(pause_sec=rules.sentence_pause_sec, max_sentence_sec=rules.max_sentence_sec),
    )
