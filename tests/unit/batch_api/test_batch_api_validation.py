"""Requests checked against their video: timeframes, transcript, scenes and clip edits."""

import pytest
from pydantic import ValidationError

from viralclip_batch_api.api.models import ClipBatchCreate, ClipUpdate
from viralclip_batch_api.core.errors import FieldError
from viralclip_batch_api.core.validation import (
    MIN_EDITED_CLIP_SEC,
    check_scenes,
    check_timeframe,
    check_transcript,
    edited_clip,
    transcript_excerpt,
)
from viralclip_contracts import (
    Clip,
    ClipStatus,
    Grade,
    ProcessingTimeframe,
    SceneSegment,
    TranscriptSegment,
)


def _clip() -> Clip:
    return Clip(
        clip_id="c-1",
        clip_batch_id="b-1",
        video_id="v-1",
        start_time_sec=10,
        end_time_sec=40,
        duration_sec=30,
        title="Old",
        description="old",
        viral_score=7,
        grade_hook=Grade.A,
        grade_flow=Grade.A,
        grade_value=Grade.B,
        grade_trend=Grade.C,
        language="en",
        rank=1,
    )


def test_the_flat_seed_body_becomes_the_contract_config() -> None:
    body = ClipBatchCreate.model_validate(
        {
            "video_type": "podcast",
            "aspect_ratio": "1:1",
            "clip_length_preset": "30-60s",
            "subtitle_enabled": False,
            "processing_timeframe_start": 60,
            "processing_timeframe_end": 600,
            "include_specific_moments": "the ice",
        }
    )

    config = body.to_config()

    assert config.processing_timeframe == ProcessingTimeframe(start_sec=60, end_sec=600)
    assert (config.video_type, config.aspect_ratio, config.subtitle_enabled) == (
        "podcast",
        "1:1",
        False,
    )


def test_timeframe_start_at_or_after_end_names_the_end_field() -> None:
    with pytest.raises(ValidationError) as error:
        ClipBatchCreate(processing_timeframe_start=50, processing_timeframe_end=50)

    assert error.value.errors()[0]["loc"] == ("processing_timeframe_end",)


@pytest.mark.parametrize(
    ("field", "value"),
    [("aspect_ratio", "3:7"), ("video_type", "opera"), ("clip_length_preset", "2h")],
)
def test_unknown_enum_values_name_the_field(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as error:
        ClipBatchCreate.model_validate({field: value})

    assert error.value.errors()[0]["loc"] == (field,)


def test_unknown_fields_are_refused_so_typos_are_not_silently_ignored() -> None:
    with pytest.raises(ValidationError) as error:
        ClipBatchCreate.model_validate({"aspect_ration": "1:1"})

    assert error.value.errors()[0]["loc"] == ("aspect_ration",)


def test_timeframe_outside_the_video_names_the_field() -> None:
    with pytest.raises(FieldError) as error:
        check_timeframe(ClipBatchCreate(processing_timeframe_start=700).to_config(), 600)
    assert error.value.field == "processing_timeframe_start"

    with pytest.raises(FieldError) as error:
        check_timeframe(ClipBatchCreate(processing_timeframe_end=900).to_config(), 600)
    assert error.value.field == "processing_timeframe_end"


def test_timeframe_inside_the_video_passes() -> None:
    check_timeframe(ClipBatchCreate(processing_timeframe_end=600).to_config(), 600)


def test_transcript_and_scenes_past_the_end_of_the_video_are_refused() -> None:
    with pytest.raises(FieldError) as error:
        check_transcript([TranscriptSegment(start_sec=0, end_sec=700, text="x")], 600)
    assert error.value.field == "transcript[0].end_sec"

    with pytest.raises(FieldError) as error:
        check_scenes([SceneSegment(scene_id="s0", start_sec=5, end_sec=5)], 600)
    assert error.value.field == "scenes[0].end_sec"


def test_a_clip_edit_applies_fields_recomputes_duration_and_marks_it_edited() -> None:
    clip = edited_clip(_clip(), ClipUpdate(title="New", end_time_sec=55.5), 600)

    assert (clip.title, clip.description, clip.start_time_sec, clip.end_time_sec) == (
        "New",
        "old",
        10,
        55.5,
    )
    assert clip.duration_sec == 45.5
    assert clip.status is ClipStatus.EDITED
    assert clip.clip_id == "c-1"


def test_a_clip_edit_past_the_video_or_inverted_names_the_field() -> None:
    with pytest.raises(FieldError) as error:
        edited_clip(_clip(), ClipUpdate(end_time_sec=601), 600)
    assert error.value.field == "end_time_sec"

    with pytest.raises(FieldError) as error:
        edited_clip(_clip(), ClipUpdate(start_time_sec=45), 600)
    assert error.value.field == "start_time_sec"


def test_a_clip_edit_shorter_than_the_minimum_names_the_field_and_the_reason() -> None:
    with pytest.raises(FieldError) as error:
        edited_clip(_clip(), ClipUpdate(start_time_sec=100, end_time_sec=100.001), 600)
    assert error.value.field == "end_time_sec"
    assert error.value.reason.startswith(f"the clip must last at least {MIN_EDITED_CLIP_SEC:g} s")

    with pytest.raises(FieldError) as error:
        edited_clip(_clip(), ClipUpdate(start_time_sec=39.5), 600)
    assert error.value.field == "start_time_sec"


def test_a_clip_edit_of_exactly_the_minimum_is_accepted() -> None:
    clip = edited_clip(_clip(), ClipUpdate(start_time_sec=0.1, end_time_sec=0.1 + MIN_EDITED_CLIP_SEC), 600)

    assert clip.duration_sec == MIN_EDITED_CLIP_SEC


def test_the_minimum_does_not_stop_edits_that_leave_the_range_alone_or_take_a_whole_short_video() -> None:
    short = _clip().model_copy(update={"start_time_sec": 0, "end_time_sec": 0.4, "duration_sec": 0.4})

    assert edited_clip(short, ClipUpdate(title="Renamed"), 600).duration_sec == 0.4
    assert edited_clip(short, ClipUpdate(end_time_sec=0.5), 0.5).duration_sec == 0.5


def test_an_empty_clip_edit_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one"):
        ClipUpdate()


def test_transcript_excerpt_keeps_only_overlapping_segments() -> None:
    segments = [
        TranscriptSegment(start_sec=0, end_sec=10, text="before"),
        TranscriptSegment(start_sec=8, end_sec=12, text="straddles"),
        TranscriptSegment(start_sec=20, end_sec=25, text="inside"),
        TranscriptSegment(start_sec=40, end_sec=45, text="after"),
    ]

    assert [s.text for s in transcript_excerpt(segments, 10, 40)] == ["straddles", "inside"]
