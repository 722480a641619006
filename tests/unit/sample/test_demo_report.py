"""What `make demo` prints: the progress bar and the ranked clip table, and its thumbnail check."""

from pathlib import Path
from typing import Any

from viralclip_localstack.demo import (
    clip_table,
    export_line,
    export_milestone,
    export_status_line,
    missing_thumbnails,
    progress_line,
)
from viralclip_media import MediaInfo


def _clip(rank: int, start: float, end: float, thumbnail: str | None) -> dict[str, Any]:
    return {
        "clip_id": f"c-{rank}",
        "rank": rank,
        "start_time_sec": start,
        "end_time_sec": end,
        "viral_score": 9.25 - rank,
        "grade_hook": "A",
        "grade_flow": "B+",
        "grade_value": "A-",
        "grade_trend": "C",
        "title": f"Clip number {rank} about the Moon and why we should go back there to stay",
        "thumbnail_path": thumbnail,
    }


def test_the_progress_bar_fills_with_the_fraction_done_and_names_the_stage() -> None:
    assert progress_line({"progress": 0.5, "stage": "scoring", "status": "draft"}, width=10) == (
        "[#####-----]  50%  scoring"
    )
    assert progress_line({"progress": 1.0, "stage": "done", "status": "ready"}, width=4) == (
        "[####] 100%  done (ready)"
    )


def test_the_table_lists_clips_by_rank_with_times_scores_grades_and_thumbnail_paths() -> None:
    clips = [_clip(2, 95.4, 140.0, "thumbnails/b/c-2.jpg"), _clip(1, 5.0, 61.6, None)]

    lines = clip_table(clips, Path("/media")).splitlines()

    assert lines[0].split() == ["#", "time", "score", "hook", "flow", "value", "trend", "title", "thumbnail"]
    assert lines[2].startswith("1  0:05–1:02  8.2")
    assert lines[2].endswith("(none)")
    assert lines[3].startswith("2  1:35–2:20  7.2")
    assert lines[3].endswith("/media/thumbnails/b/c-2.jpg")
    assert lines[3].split()[3:7] == ["A", "B+", "A-", "C"]
    assert "Clip number 2 about the Moon and why we shoul…" in lines[3]
    assert lines[2].index("Clip number 1") == lines[3].index("Clip number 2")


def test_clips_without_a_thumbnail_file_on_disk_are_reported(tmp_path: Path) -> None:
    (tmp_path / "thumbnails").mkdir()
    (tmp_path / "thumbnails" / "c-1.jpg").write_bytes(b"\xff\xd8")
    clips = [_clip(1, 0, 30, "thumbnails/c-1.jpg"), _clip(2, 30, 60, "thumbnails/c-2.jpg")]
    clips.append(_clip(3, 60, 90, None))

    assert missing_thumbnails(clips, tmp_path) == ["c-2", "c-3"]


def test_an_exported_clip_is_printed_with_its_path_and_what_it_probes_as() -> None:
    export = {"file_path": "exports/b-1/e-1.mp4", "size_bytes": 8_421_337, "start_sec": 10.0, "end_sec": 52.5}
    info = MediaInfo(
        duration_sec=42.53,
        width=1080,
        height=1920,
        pixel_width=1080,
        pixel_height=1920,
        frame_rate=30.0,
        video_codec="h264",
        has_audio=True,
        audio_codec="aac",
    )

    assert export_line(export, info, Path("/media")) == (
        "/media/exports/b-1/e-1.mp4  h264/aac 1080x1920 42.53 s (clip 42.50 s) 8.4 MB"
    )
    assert export_line(export, None, Path("/media")) == "/media/exports/b-1/e-1.mp4  (could not be probed)"


def test_a_waiting_export_shows_its_status_progress_and_error() -> None:
    export = {"export_id": "e-1", "clip_id": "c-1", "status": "rendering", "progress": 0.42}

    assert export_status_line(export) == "  export e-1 of c-1: rendering 42%"
    failed = {**export, "status": "failed", "progress": 0.0, "error_message": "Rendering failed."}
    assert export_status_line(failed) == "  export e-1 of c-1: failed 0% — Rendering failed."


def test_a_waiting_export_is_reported_at_each_status_and_quarter() -> None:
    def at(status: str, progress: float) -> tuple[str, int]:
        return export_milestone({"status": status, "progress": progress})

    assert at("rendering", 0.1) == at("rendering", 0.2)
    assert at("rendering", 0.2) != at("rendering", 0.3)
    assert at("queued", 0.0) != at("rendering", 0.0)
