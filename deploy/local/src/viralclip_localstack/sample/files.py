"""Write the bundled sample to a media root: the rendered video and its transcript, scenes and metadata."""

import json
from dataclasses import dataclass
from pathlib import Path

from viralclip_contracts import Video

from .bundled import SAMPLE_STEM, sample_video
from .video import DEFAULT_FPS, default_fonts_dir, render_video


@dataclass(frozen=True)
class SampleFiles:
    """Where `write_sample` put things; `video.media_path` is relative to the media root."""

    video: Video
    media_file: Path
    transcript_json: Path
    scenes_json: Path
    video_json: Path


async def write_sample(
    media_root: Path, *, minutes: float | None = 5.0, fps: int = DEFAULT_FPS
) -> SampleFiles:
    """Render the first `minutes` of the bundled podcast (all of it for None) under `media_root`.

    Writes `videos/hwhap-114.mp4` and, beside it, `hwhap-114.transcript.json`, `.scenes.json`
    (lists of the contracts' segments) and `.video.json` (the whole `Video`).
    """
    if minutes is not None and minutes <= 0:
        raise ValueError("minutes: must be positive (or None for the whole transcript)")
    video = sample_video(minutes * 60 if minutes is not None else None)
    media_file = await render_video(
        video, media_root / video.media_path, fps=fps, fonts_dir=default_fonts_dir()
    )
    folder = media_file.parent
    transcript_json = folder / f"{SAMPLE_STEM}.transcript.json"
    scenes_json = folder / f"{SAMPLE_STEM}.scenes.json"
    video_json = folder / f"{SAMPLE_STEM}.video.json"
    _write_json(transcript_json, [s.model_dump(mode="json") for s in video.transcript])
    _write_json(scenes_json, [s.model_dump(mode="json") for s in video.scenes])
    _write_json(video_json, video.model_dump(mode="json"))
    return SampleFiles(video, media_file, transcript_json, scenes_json, video_json)


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
