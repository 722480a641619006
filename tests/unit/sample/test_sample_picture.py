"""What the sample video shows: a colour per speaker, lighter extra shots, literal names, no subtitles."""

from viralclip_localstack.sample import Turn, build_video, sample_video
from viralclip_localstack.sample.picture import (
    SPEAKER_PALETTE,
    build_ass,
    build_shot_commands,
    scene_looks,
    speaker_colours,
)


def test_each_speaker_gets_a_distinct_colour_in_order_of_appearance() -> None:
    colours = speaker_colours(sample_video(600))

    assert colours == {"Pat Ryan": SPEAKER_PALETTE[0], "Samuel Lawrence": SPEAKER_PALETTE[1]}


def test_a_scene_shows_who_starts_talking_in_it_and_extra_shots_of_a_turn_are_lighter() -> None:
    video = sample_video(600)
    looks = scene_looks(video)

    assert [look.scene_id for look in looks] == [scene.scene_id for scene in video.scenes]
    for look in looks:
        speaking = [s for s in video.transcript if look.start_sec <= s.start_sec < look.end_sec]
        assert speaking
        assert speaking[0].speaker == look.speaker
        base = speaker_colours(video)[look.speaker]
        assert (look.colour == base) == (look.shot % 2 == 0)
    assert any(look.shot > 0 for look in looks)


def test_shot_commands_switch_the_background_at_every_cut() -> None:
    video = sample_video(300)

    lines = build_shot_commands(video, "drawbox@shot").splitlines()

    assert len(lines) == len(video.scenes)
    assert lines[0] == "0.000 [enter] drawbox@shot color 0x1F4E79;"


def test_names_and_title_cannot_inject_ass_override_codes() -> None:
    video = build_video(
        [Turn(r"Ann {\b1}Lee", "Hello there.")],
        video_id="v1",
        title=r"Use {\b1}braces{\b0} and back\slashes.",
        media_path="videos/v1.mp4",
    )

    ass = build_ass(video)

    assert "Use (/b1)braces(/b0) and back/slashes." in ass
    assert "Ann (/b1)Lee" in ass
    assert r"{\b1}" not in ass


def test_the_picture_carries_no_subtitles_for_the_render_to_collide_with() -> None:
    video = sample_video(120)

    ass = build_ass(video)

    assert all(segment.text not in ass for segment in video.transcript if len(segment.text) > 12)
