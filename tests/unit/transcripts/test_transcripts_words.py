"""The shared word and sentence logic: the estimation rule, sentences by punctuation and pauses, the track."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from viralclip_contracts import TranscriptSegment, Word
from viralclip_transcripts import (
    SentenceRules,
    estimate_words,
    speech_track,
    split_sentences,
    with_words,
)


def _segment(start: float, end: float, text: str, **fields: object) -> TranscriptSegment:
    return TranscriptSegment.model_validate({"start_sec": start, "end_sec": end, "text": text, **fields})


def _word(text: str, start: float, end: float) -> Word:
    return Word(text=text, start_sec=start, end_sec=end)


def test_estimated_words_share_the_segment_by_letters_with_pauses_after_punctuation() -> None:
    # letters 2 + 5 + 3 + 2, a pause of 4 letters after "world." and of 2 after "yes,": 18 units in 18 s
    words = estimate_words(_segment(10.0, 28.0, "Hi world. yes, ok"))

    assert [(w.text, w.start_sec, w.end_sec) for w in words] == [
        ("Hi", 10.0, 12.0),
        ("world.", 12.0, 17.0),
        ("yes,", 21.0, 24.0),
        ("ok", 26.0, 28.0),
    ]
    assert all(w.estimated for w in words)


def test_a_segment_with_words_keeps_them_and_one_without_gets_estimated_ones() -> None:
    measured = _segment(0.0, 1.0, "Hi", words=[{"text": "Hi", "start_sec": 0.2, "end_sec": 0.6}])

    assert with_words(measured) is measured
    assert [w.text for w in with_words(_segment(0.0, 1.0, "Hi there")).words] == ["Hi", "there"]
    assert with_words(_segment(0.0, 1.0, "  ")).words == ()


@given(
    st.lists(st.text(min_size=1, max_size=12).filter(lambda t: t.strip() == t and " " not in t), max_size=30),
    st.floats(0.0, 1000.0),
    st.floats(0.0, 60.0),
)
def test_estimated_words_are_in_order_inside_the_segment_and_cover_its_end(
    tokens: list[str], start: float, length: float
) -> None:
    text = " ".join(t for t in tokens if t.split())
    start = round(start, 3)
    end = round(start + length, 3)
    words = estimate_words(_segment(start, end, text))

    assert [w.text for w in words] == text.split()
    for before, after in itertools.pairwise(words):
        assert before.start_sec <= before.end_sec <= after.start_sec
    if words:
        assert words[0].start_sec == start
        assert words[-1].end_sec == end


def test_sentences_end_at_punctuation_and_at_pauses_between_words() -> None:
    words = [
        _word("Why", 0.0, 0.3),
        _word("the", 0.3, 0.5),
        _word("Moon?", 0.5, 1.0),
        _word("Because", 1.1, 1.6),
        _word("it", 1.6, 1.8),
        _word("is", 1.8, 2.0),
        _word("close", 2.0, 2.4),  # no punctuation, but a 1.2-s pause follows
        _word("and", 3.6, 3.8),
        _word("cheap", 3.8, 4.2),
    ]

    sentences = split_sentences(words)

    assert [s.text for s in sentences] == ["Why the Moon?", "Because it is close", "and cheap"]
    assert [(s.start_sec, s.end_sec) for s in sentences] == [(0.0, 1.0), (1.1, 2.4), (3.6, 4.2)]
    assert [s.text for s in split_sentences(words, pause_sec=2.0)] == [
        "Why the Moon?",
        "Because it is close and cheap",
    ]


def test_a_long_cue_is_cut_at_its_sentence_ends_by_its_words_times() -> None:
    cue = _segment(
        0.0,
        26.0,
        "So we went to the Moon. Then we came back. And that was that.",
        words=[
            {"text": t, "start_sec": a, "end_sec": b}
            for t, a, b in [
                ("So", 0, 1),
                ("we", 1, 2),
                ("went", 2, 3),
                ("to", 3, 4),
                ("the", 4, 5),
                ("Moon.", 5, 9),
                ("Then", 10, 11),
                ("we", 11, 12),
                ("came", 12, 13),
                ("back.", 13, 17),
                ("And", 18, 19),
                ("that", 19, 20),
                ("was", 20, 21),
                ("that.", 21, 26),
            ]
        ],
    )

    track = speech_track([cue])

    assert list(zip(track.starts, track.ends, strict=True)) == [(0, 9), (10, 17), (18, 26)]
    assert [track.text(i) for i in range(3)] == [
        "So we went to the Moon.",
        "Then we came back.",
        "And that was that.",
    ]
    assert track.containing(12.5) == 1
    assert track.snap(11.0, tolerance=2.0) == 10
    assert track.inside_word(12.5)
    assert not track.inside_word(12.0)
    assert (track.word_floor(12.5), track.word_ceil(12.5)) == (12, 13)
    assert track.inward(4.5, 24.0) == (9, 18)  # whole sentences only
    assert track.inward(10.5, 16.0) == (11, 13)  # no whole sentence inside: whole words
    assert list(track.within(9.5, 26.0)) == [1, 2]


def test_a_cue_ending_mid_sentence_does_not_end_the_sentence() -> None:
    track = speech_track(
        [_segment(0.0, 3.0, "We went to"), _segment(3.05, 30.0, "the Moon. And then we came back home.")]
    )

    assert track.starts[:2] == (0.0, track.starts[1])
    assert track.ends[0] < 10.0  # "We went to the Moon." ends inside the second cue


def test_unpunctuated_speech_longer_than_the_limit_is_cut_at_cue_edges_else_between_words() -> None:
    cues = [_segment(i * 2.0, i * 2.0 + 1.95, "and so on and so forth") for i in range(20)]
    one_long = [_segment(0.0, 40.0, " ".join(["word"] * 80))]

    for track in (speech_track(cues), speech_track(one_long)):
        lengths = [b - a for a, b in zip(track.starts, track.ends, strict=True)]
        assert max(lengths) <= 15.0
    assert set(speech_track(cues).starts) <= {c.start_sec for c in cues}
    assert len(speech_track(one_long, SentenceRules(max_sentence_sec=10.0)).starts) == 4


def test_a_speaker_turn_between_cues_ends_a_sentence_and_crosstalk_joins_it() -> None:
    track = speech_track(
        [
            _segment(0.0, 2.0, "we went", speaker="A"),
            _segment(2.05, 4.0, "to the moon", speaker="B"),
            _segment(3.0, 5.0, "yes", speaker="A"),
        ]
    )

    assert list(zip(track.starts, track.ends, strict=True)) == [(0.0, 2.0), (2.05, 5.0)]
    assert track.speakers == ("A", "B")
