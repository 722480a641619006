"""The offline scorer: transcript features into sub-scores, grades and LLM-shaped clips."""

import pytest

from viralclip_contracts import Clip, ClipBatchConfig, Grade, TranscriptSegment, Window
from viralclip_scoring.heuristic import (
    GRADE_FLOORS,
    SubScores,
    best_clip,
    grade_for,
    opens_list_item,
    score_windows,
    sub_scores,
)
from viralclip_scoring.language import Phrase, load_profile
from viralclip_scoring.text import words
from viralclip_scoring.titles import title_candidates
from viralclip_scoring.validate import ClipLimits, rank_clips, repair_answer
from viralclip_testkit.responses_sample import sample_windows

GRADE_ORDER = [grade for _, grade in GRADE_FLOORS] + [Grade.F]


def segments(*texts: str, seconds: float = 8.0) -> list[TranscriptSegment]:
    return [
        TranscriptSegment(
            start_sec=index * (seconds + 0.4), end_sec=index * (seconds + 0.4) + seconds, text=text
        )
        for index, text in enumerate(texts)
    ]


def window_of(parts: list[TranscriptSegment], scenes: int = 1) -> Window:
    return Window(
        window_id="w0000",
        start_sec=parts[0].start_sec,
        end_sec=parts[-1].end_sec,
        scene_ids=tuple(f"s{index}" for index in range(scenes)),
        transcript=tuple(parts),
    )


NOTHING = frozenset[Phrase]()
EN = load_profile("en")
DANGLING_OPENERS = {phrase[0] for phrase in EN.dangling_openers}
BODY = "The crater floors near the poles stay below minus two hundred degrees."


def _scores(parts: list[TranscriptSegment], trend: frozenset[Phrase]) -> SubScores:
    return sub_scores(parts, EN, trend)


def test_a_question_number_or_direct_address_opens_better_than_a_dangling_start() -> None:
    strong = _scores(segments("Why would you fly three days to a dead rock?", BODY), NOTHING)
    weak = _scores(segments("and um so that was sort of the thing there.", BODY), NOTHING)

    assert strong.hook > weak.hook
    assert grade_for(strong.hook) != grade_for(weak.hook)


def test_flow_rewards_complete_sentences_and_punishes_filler_and_dangling_ends() -> None:
    clean = _scores(segments("Water ice sits in the dark craters.", BODY), NOTHING)
    dangling = _scores(segments("because it, um, like, you know", "and then we, uh, so"), NOTHING)

    assert clean.flow > dangling.flow


def test_value_rewards_information_density() -> None:
    dense = _scores(
        segments("Apollo 17 returned 110 kilograms of regolith from Taurus-Littrow in 1972.", BODY),
        NOTHING,
    )
    vague = _scores(segments("It was really good, you know, it was just so good.", "Yeah."), NOTHING)

    assert dense.value > vague.value


def test_trend_follows_the_configured_lexicon_of_the_video_type() -> None:
    text = segments("The secret nobody tells you about lunar ice and the future of money.", BODY)
    lexicon = EN.with_trend({"podcast": ["lunar", "ice"]})

    plain = _scores(text, frozenset())
    with_lexicon = _scores(text, lexicon.trend_words("podcast"))

    assert with_lexicon.trend > plain.trend
    assert {("lunar",), ("ice",)} <= lexicon.trend_words("podcast")


def test_gaming_clips_with_more_scene_cuts_score_higher() -> None:
    lines = segments(*(["We push the boss now and it drops to half health."] * 5))
    calm = best_clip(window_of(lines, scenes=1), ClipBatchConfig(video_type="gaming"))
    hectic = best_clip(window_of(lines, scenes=20), ClipBatchConfig(video_type="gaming"))

    assert calm is not None
    assert hectic is not None
    assert hectic.viral_score > calm.viral_score


def test_grades_never_get_worse_as_the_sub_score_rises() -> None:
    values = [step / 100 for step in range(101)]
    ranks = [GRADE_ORDER.index(grade_for(value)) for value in values]

    assert ranks == sorted(ranks, reverse=True)
    assert grade_for(1.0) is Grade.A_PLUS
    assert grade_for(0.0) is Grade.F


def test_a_window_shorter_than_the_preset_yields_no_clip() -> None:
    short = window_of(segments("Too short.", "Still short."))

    assert best_clip(short, ClipBatchConfig(clip_length_preset="60-90s")) is None


@pytest.fixture(scope="module")
def sample_clips() -> tuple[Clip, ...]:
    config = ClipBatchConfig(video_type="podcast", clip_length_preset="30-60s")
    windows = sample_windows(window_sec=75.0, max_duration_sec=1200.0)
    answer = score_windows(windows, config)
    limits = ClipLimits(timeframe=(0.0, 1200.0), duration_bounds=(30.0, 60.0))
    repaired = repair_answer(answer, windows, limits)
    assert not repaired.rejections, repaired.rejections
    return rank_clips(repaired.candidates, batch_id="b-sample", video_id="v-sample", language="en")


def test_the_sample_podcast_yields_at_least_five_clips_with_sane_grades(
    sample_clips: tuple[Clip, ...],
) -> None:
    assert len(sample_clips) >= 5
    for clip in sample_clips:
        assert 0 <= clip.viral_score <= 10
        assert 30 * 0.8 <= clip.duration_sec <= 60 * 1.2
        assert {clip.grade_hook, clip.grade_flow, clip.grade_value, clip.grade_trend} <= set(Grade)
    scores = [clip.viral_score for clip in sample_clips]
    assert max(scores) - min(scores) >= 1.0, "a scorer that rates everything alike ranks nothing"
    assert len({clip.grade_hook for clip in sample_clips}) >= 3


def test_sample_clips_are_described_from_their_own_transcript(sample_clips: tuple[Clip, ...]) -> None:
    windows = {window.window_id: window for window in sample_windows(75.0, 1200.0)}
    for clip in sample_clips:
        spoken = " ".join(
            segment.text
            for segment in windows[str(clip.window_id)].transcript
            if clip.start_time_sec <= segment.start_sec < clip.end_time_sec
        )
        assert clip.hook.rstrip("…") in spoken
        spoken_words = {word.lower() for word in words(spoken)}
        assert {word.lower() for word in words(clip.title)} <= spoken_words, clip.title
        assert 3 <= len(clip.hashtags) <= 5
        assert all(tag.startswith("#") and " " not in tag for tag in clip.hashtags)
        assert clip.viral_reason.endswith(".")


def test_the_offline_scorer_is_deterministic() -> None:
    windows = sample_windows(window_sec=75.0, max_duration_sec=600.0)
    config = ClipBatchConfig(video_type="podcast")

    assert score_windows(windows, config) == score_windows(windows, config)


def test_titles_are_distinct_whole_phrases_without_a_dangling_opener() -> None:
    windows = sample_windows(window_sec=75.0, max_duration_sec=900.0)
    answer = score_windows(windows, ClipBatchConfig(video_type="podcast"))
    titles = [clip.title for clip in answer.clips]
    assert len(titles) == len({title.lower() for title in titles}), "two clips share a title"
    for title in titles:
        assert len(title) <= 60
        assert title.split()[0].lower().strip(",.") not in DANGLING_OPENERS, title
        assert len(title.split()) >= 4, title
    whole = [title for title in titles if not title.endswith("…")]
    assert len(whole) >= 0.8 * len(titles), f"most titles should fit whole, got {titles}"


LISTS = {
    "en": (
        "Why are we going back to the Moon? There are three reasons.",
        "First, it is the closest place to learn how to live somewhere else.",
        "Second, its rocks keep the early history of the Earth.",
        "Third, the ice at its poles could become water, air and rocket fuel.",
        "So yeah, um, you know, that is kind of it, I mean, right.",
    ),
    "id": (
        "Kenapa kita harus kembali ke Bulan? Ada tiga alasan.",
        "Pertama, Bulan adalah tempat terdekat untuk belajar hidup di luar Bumi.",
        "Kedua, batuannya menyimpan sejarah awal Bumi dan Matahari.",
        "Ketiga, es di kutubnya bisa menjadi air, udara dan bahan bakar roket.",
        "Ya gitu deh, pokoknya begitu, ya kan, gitu, oke.",
    ),
}


@pytest.mark.parametrize("language", sorted(LISTS))
def test_a_clip_does_not_stop_before_the_last_item_of_a_spoken_list(language: str) -> None:
    parts = segments(*LISTS[language], seconds=10.0)
    config = ClipBatchConfig(video_type="podcast", clip_length_preset="30-60s")

    profile = load_profile(language)

    clip = best_clip(window_of(parts), config, profile=profile)

    assert clip is not None
    assert clip.start_sec <= parts[1].start_sec  # from the first item ("First, ..." / "Pertama, ...")
    assert clip.end_sec >= parts[3].end_sec  # to the last: "Third, ..." / "Ketiga, ..."
    assert not opens_list_item(clip.title, profile)
    assert clip.title.split()[0].rstrip(",").lower() not in profile.list_ordinals


@pytest.mark.parametrize(
    ("language", "sentence", "next_item"),
    [
        ("en", "Second, its rocks keep the early history of the Earth.", True),
        ("en", "And secondly the ice is there.", True),
        ("en", "And the third reason is the ice.", True),
        ("en", "Finally: the ice.", True),
        ("en", "Second place went to a team from Ohio.", False),
        ("en", "Finally we landed.", False),
        ("id", "Kedua, batuannya menyimpan sejarah awal Bumi.", True),
        ("id", "Dan yang ketiga adalah es di kutubnya.", True),
        ("id", "Yang ketiga adalah es di kutubnya.", True),
        ("id", "Oke, jadi yang kedua itu soal air.", True),
        ("en", "The last thing you want is debt on the Moon.", False),
        ("id", "Kedua orang itu berangkat ke Houston.", False),
        ("id", "Terakhir kali saya ke sana tahun lalu.", False),
    ],
)
def test_a_clip_that_opens_on_the_next_item_of_a_list_hooks_worse(
    language: str, sentence: str, next_item: bool
) -> None:
    profile = load_profile(language)
    item = sub_scores(segments(sentence, BODY), profile)
    plain = sub_scores(segments("The crew came home safe in the end.", BODY), profile)

    assert opens_list_item(sentence, profile) is next_item
    assert (item.hook < plain.hook) is next_item


@pytest.mark.parametrize(
    ("language", "sentence", "title"),
    [
        (
            "en",
            "Secondly, its rocks keep the early history of the Earth.",
            "Its rocks keep the early history of the Earth",
        ),
        (
            "id",
            "Kedua, batuannya menyimpan sejarah awal Bumi dan Matahari.",
            "Batuannya menyimpan sejarah awal Bumi dan Matahari",
        ),
        (
            "id",
            "Kedua astronaut itu mendarat di Bulan dengan selamat.",
            "Kedua astronaut itu mendarat di Bulan dengan selamat",
        ),
    ],
)
def test_a_title_drops_the_ordinal_of_a_list_item(language: str, sentence: str, title: str) -> None:
    assert title_candidates(sentence, load_profile(language))[0] == title
