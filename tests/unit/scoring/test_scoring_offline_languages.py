"""The offline scorer in English and Indonesian: sentences, language data, and the title/hashtag rules
as properties over transcripts drawn from both fixtures, cut into segments at random places."""

import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viralclip_contracts import ClipBatchConfig, TranscriptSegment, Word
from viralclip_scoring.heuristic import score_windows
from viralclip_scoring.language import available_languages, load_profile
from viralclip_scoring.prompt import LlmPrompt
from viralclip_scoring.providers import HeuristicProvider, ScoringCall
from viralclip_scoring.text import transcript_sentences
from viralclip_scoring.titles import hashtags, keyphrases
from viralclip_scoring.validate import ClipLimits, rank_clips, repair_answer
from viralclip_testkit.offline_fixtures import (
    RULES,
    Fixture,
    clip_rule_failures,
    english_sample,
    indonesian_fixture,
    indonesian_lecture,
    windows_of,
)

CONFIG = ClipBatchConfig(video_type="podcast", clip_length_preset="30-60s")
ID_SENTENCES = [s.text for s in transcript_sentences(indonesian_lecture()) if len(s.text.split()) >= 4]
EN_SENTENCES = [
    s.text
    for w in english_sample(900.0).windows
    for s in transcript_sentences(w.transcript)
    if len(s.text.split()) >= 4 and s.complete
]
FILLERS = {"id": ["Nah,", "Jadi", "Eh,", "Oke,"], "en": ["So,", "Um,", "Well,", "And"]}
TAILS = {"id": [" gitu.", " ya.", " kan?"], "en": [", you know.", ", right?", ", like."]}


def clips_of(fixture: Fixture) -> tuple:  # type: ignore[type-arg]
    answer = score_windows(fixture.windows, CONFIG, language=fixture.language)
    end = fixture.windows[-1].end_sec
    limits = ClipLimits(timeframe=(0.0, end), duration_bounds=(30.0, 60.0))
    repaired = repair_answer(answer, fixture.windows, limits)
    return rank_clips(repaired.candidates, batch_id="b-t", video_id="v-t", language=fixture.language)


@pytest.mark.parametrize("fixture", [english_sample(), indonesian_fixture()], ids=["en-sample", "id-lecture"])
def test_every_rule_holds_for_every_clip_of_both_fixtures(fixture: Fixture) -> None:
    clips = clips_of(fixture)
    profile = load_profile(fixture.language)

    failures = clip_rule_failures(clips, fixture.windows, profile, "podcast", fixture.boilerplate)

    assert len(clips) >= 5
    assert failures == {rule: [] for rule in RULES}


def test_boilerplate_is_scored_below_the_median() -> None:
    for fixture in (english_sample(), indonesian_fixture()):
        clips = clips_of(fixture)
        median = sorted(c.viral_score for c in clips)[len(clips) // 2]
        credits = [c for c in clips if c.start_time_sec >= fixture.boilerplate[-1][0]]
        assert credits, fixture.name
        assert all(c.viral_score < median for c in credits), [(c.title, c.viral_score) for c in credits]


@st.composite
def transcripts(draw: st.DrawFn, language: str) -> list[TranscriptSegment]:
    pool = ID_SENTENCES if language == "id" else EN_SENTENCES
    picked = draw(st.lists(st.sampled_from(pool), min_size=14, max_size=30, unique=True))
    spoken: list[str] = []
    for sentence in picked:
        if draw(st.booleans()):
            sentence = f"{draw(st.sampled_from(FILLERS[language]))} {sentence[0].lower()}{sentence[1:]}"
        if draw(st.booleans()):
            sentence = re.sub(r"[.?!]$", "", sentence) + draw(st.sampled_from(TAILS[language]))
        spoken.extend(sentence.split())
    cuts = sorted(set(draw(st.lists(st.integers(1, len(spoken) - 1), min_size=len(spoken) // 14))))
    segments, start = [], 0.0
    for first, last in zip([0, *cuts], [*cuts, len(spoken)], strict=True):
        texts = spoken[first:last]
        words = tuple(
            Word(text=t, start_sec=round(start + 0.4 * i, 2), end_sec=round(start + 0.4 * i + 0.3, 2))
            for i, t in enumerate(texts)
        )
        segments.append(
            TranscriptSegment(start_sec=start, end_sec=words[-1].end_sec, text=" ".join(texts), words=words)
        )
        start = words[-1].end_sec + 0.3
    return segments


@pytest.mark.parametrize("language", ["en", "id"])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_titles_and_hashtags_keep_the_rules_however_asr_cut_the_segments(
    language: str, data: st.DataObject
) -> None:
    segments = data.draw(transcripts(language))
    windows = windows_of(segments, 45.0)
    fixture = Fixture("drawn", language, windows, ())
    clips = clips_of(fixture)

    failures = clip_rule_failures(clips, windows, load_profile(language), "podcast")

    assert failures == {rule: [] for rule in RULES}


def test_sentences_split_on_punctuation_pauses_and_openers_but_not_inside_numbers() -> None:
    texts = [
        "It flies at 17,000 miles an hour, Dr. Lawrence said.",
        "Si function ini dia bisa menerima input-an Nah",
    ]
    segments = [TranscriptSegment(start_sec=0, end_sec=5, text=texts[0])]
    segments.append(TranscriptSegment(start_sec=5.2, end_sec=9, text=texts[1]))
    segments.append(TranscriptSegment(start_sec=9.1, end_sec=12, text="kita lihat contohnya di layar"))

    found = [s.text for s in transcript_sentences(segments, openers={"nah"}, abbreviations={"dr."})]

    assert found == [
        texts[0],
        "Si function ini dia bisa menerima input-an",
        "Nah kita lihat contohnya di layar",
    ]


def test_a_pause_between_words_ends_an_unpunctuated_sentence() -> None:
    times = [(0.0, 0.3), (0.4, 0.7), (0.8, 1.1), (2.3, 2.6), (2.7, 3.0)]
    texts = ["jadi", "kita", "mulai", "simpel", "kan"]
    words = tuple(Word(text=t, start_sec=a, end_sec=b) for t, (a, b) in zip(texts, times, strict=True))
    segment = TranscriptSegment(start_sec=0, end_sec=3, text=" ".join(texts), words=words)

    found = transcript_sentences([segment])

    assert [(s.text, s.start_sec, s.end_sec) for s in found] == [
        ("jadi kita mulai", 0, 1.1),
        ("simpel kan", 2.3, 3),
    ]


def test_english_and_indonesian_ship_complete_word_lists() -> None:
    assert {"en", "id"} <= set(available_languages())
    indonesian = load_profile("id-ID")
    assert {"yang", "kita", "jadi", "gitu", "dan", "karena"} <= indonesian.stopwords
    assert {("nah",), ("jadi",), ("gitu",), ("kan",), ("ya",), ("eh",), ("oke",)} <= indonesian.fillers
    assert {("dan",), ("tapi",), ("karena",), ("yang",)} <= indonesian.dangling_openers
    assert {("kenapa",), ("bagaimana",), ("apa",)} <= indonesian.question_words
    assert {("kamu",), ("kalian",), ("anda",)} <= indonesian.direct_address
    assert indonesian.trend_words("podcast")
    assert indonesian.claim_words
    assert indonesian.number_words
    assert ("diproduksi", "oleh") in indonesian.boilerplate
    assert ("audio", "engineers") in load_profile("en").boilerplate
    assert load_profile("in").code == "id"


async def test_a_language_without_a_file_is_scored_on_neutral_features_and_said_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fixture = english_sample(300.0)
    call = ScoringCall("global", fixture.windows, CONFIG, "fr", LlmPrompt(instructions="", input=""))
    provider = HeuristicProvider()

    with caplog.at_level(logging.WARNING):
        first = await provider.propose(call)
        await provider.propose(call)

    assert not load_profile("fr").has_file
    assert "les" in load_profile("fr").stopwords
    assert first.answer.clips
    assert sum("no word lists for language 'fr'" in r.getMessage() for r in caplog.records) == 1


def test_hashtags_drop_a_possessive_ending_titles_keep_it_and_no_number_word_is_a_keyphrase() -> None:
    english = (
        "The Moon's south pole is cold. The Moon's craters keep ice. "
        "Earth's gravity pulls, and Earth's tides follow the Moon."
    )
    indonesian = (
        "Enam bulan di orbit itu berat. Enam bulan tanpa gravitasi mengubah tulang. "
        "Astronot berlatih enam bulan sebelum terbang ke orbit."
    )

    english_tags = hashtags(english, load_profile("en"), "podcast")
    indonesian_tags = hashtags(indonesian, load_profile("id"), "podcast")

    assert "Moon's" in keyphrases(english, load_profile("en"), 4)  # a headline says what was said
    assert {"#moon", "#earth"} <= set(english_tags)
    assert not {"#moons", "#earths"} & set(english_tags)
    assert not any("enam" in tag for tag in indonesian_tags)
    assert "#orbit" in indonesian_tags
