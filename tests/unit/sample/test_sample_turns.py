"""Parsing `Speaker: text` transcripts into turns and caption-sized sentences."""

import pytest

from viralclip_localstack.sample.turns import parse_turns, split_long_sentence, split_sentences


def test_a_role_label_names_the_speaker_of_later_role_only_turns() -> None:
    turns = parse_turns("Pat Ryan (Host): Welcome.\nSam: Thanks.\n\nHost: So, the Moon?\n")

    assert [t.speaker for t in turns] == ["Pat Ryan", "Sam", "Pat Ryan"]
    assert turns[2].text == "So, the Moon?"


def test_a_line_without_a_speaker_label_is_rejected_with_its_line_number() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_turns("Ann: Hello there.\nno label here\n")


def test_an_empty_transcript_is_rejected() -> None:
    with pytest.raises(ValueError, match="no 'Speaker: text' lines"):
        parse_turns("\n  \n")


def test_sentences_split_at_end_punctuation_but_not_after_titles() -> None:
    text = 'He said "yes." Then Dr. Samuel Lawrence spoke. Was it 2024? It was! the end.'

    assert split_sentences(text) == [
        'He said "yes."',
        "Then Dr. Samuel Lawrence spoke.",
        "Was it 2024?",
        "It was! the end.",
    ]


def test_long_sentences_are_cut_into_parts_no_longer_than_the_limit_keeping_every_word() -> None:
    words = [f"w{i}," if i % 9 == 8 else f"w{i}" for i in range(75)]
    sentence = " ".join(words)

    parts = split_long_sentence(sentence, max_words=30)

    assert all(len(part.split()) <= 30 for part in parts)
    assert " ".join(parts) == sentence
    assert all(part.endswith(",") for part in parts[:-1])


def test_short_sentences_are_left_whole() -> None:
    assert split_long_sentence("Short and sweet.", max_words=30) == ["Short and sweet."]
