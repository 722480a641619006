"""`make demo`: the whole pipeline on the bundled NASA podcast, through the REST API, on the embedded stack.

Starts the broker, the database and the services as separate processes, renders the first minutes of
the sample podcast into the media root, registers it (`POST /viral-clip/videos`), asks for clips
(`POST /viral-clip/videos/{id}/clip-batches`), follows the batch's server-sent progress, prints the ranked
clips and checks their thumbnails, exports the top three as MP4 (`POST /viral-clip/clip-batches/{id}/exports`:
9:16, captions, `face` reframe), waits for them and prints their paths and what they probe as, then
stops everything. `--keep-running` leaves the stack up.
"""

import argparse
import asyncio
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx

from viralclip_contracts import Video
from viralclip_media import FfmpegError, MediaInfo, ffmpeg_runner, ffprobe_runner, probe_media

from .client import TERMINAL, ViralclipClient
from .fleet import SERVICE_MODULES
from .sample import write_sample
from .system import LocalSystem, SystemOptions

BAR_WIDTH = 30
DEMO_CONFIG: dict[str, Any] = {
    "name": "demo",
    "video_type": "podcast",
    "aspect_ratio": "9:16",
    "clip_length_preset": "30-60s",
}
DEMO_EXPORT: dict[str, Any] = {"top": 3, "aspect_ratio": "9:16", "captions": True, "reframe": "face"}


@dataclass(frozen=True)
class DemoOptions:
    """What `make demo` was asked to do."""

    workdir: Path
    minutes: float
    api_port: int
    keep_running: bool
    uses_openai: bool
    timeout_sec: float
    base_env: Mapping[str, str]  # the environment the services inherit
    export_timeout_sec: float = 600.0


class DemoFailed(RuntimeError):
    """The pipeline did not deliver what the demo shows (a failed batch, no clips, missing thumbnails)."""


def progress_line(update: Mapping[str, Any], width: int = BAR_WIDTH) -> str:
    """A text progress bar for one progress event: `[#####-----]  50%  scoring`."""
    fraction = min(1.0, max(0.0, float(update.get("progress") or 0.0)))
    filled = round(fraction * width)
    status, stage = update.get("status", "?"), update.get("stage", "?")
    state = stage if status == "draft" else f"{stage} ({status})"
    return f"[{'#' * filled}{'-' * (width - filled)}] {fraction:4.0%}  {state}"


def clip_table(clips: Sequence[Mapping[str, Any]], media_root: Path) -> str:
    """The ranked clips as a fixed-width table: rank, time range, score, grades, title, thumbnail."""
    header = ("#", "time", "score", "hook", "flow", "value", "trend", "title", "thumbnail")
    rows = [header]
    for clip in sorted(clips, key=lambda c: int(c["rank"])):
        thumbnail = clip.get("thumbnail_path")
        rows.append(
            (
                str(clip["rank"]),
                f"{_clock(clip['start_time_sec'])}–{_clock(clip['end_time_sec'])}",
                f"{float(clip['viral_score']):.1f}",
                clip["grade_hook"],
                clip["grade_flow"],
                clip["grade_value"],
                clip["grade_trend"],
                _shorten(str(clip["title"]), 46),
                str(media_root / thumbnail) if thumbnail else "(none)",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def missing_thumbnails(clips: Sequence[Mapping[str, Any]], media_root: Path) -> list[str]:
    """Ids of clips whose thumbnail file is not on disk."""
    return [
        str(clip["clip_id"])
        for clip in clips
        if not clip.get("thumbnail_path") or not (media_root / str(clip["thumbnail_path"])).is_file()
    ]


def export_line(export: Mapping[str, Any], info: MediaInfo | None, media_root: Path) -> str:
    """One exported clip: its MP4 path and what it probes as (codecs, size, duration, file size)."""
    path = media_root / str(export["file_path"])
    if info is None:
        return f"{path}  (could not be probed)"
    codecs = f"{info.video_codec}/{info.audio_codec or 'no audio'}"
    clip_sec = float(export["end_sec"]) - float(export["start_sec"])
    duration = f"{info.duration_sec:.2f} s (clip {clip_sec:.2f} s)"
    megabytes = float(export.get("size_bytes") or 0) / 1e6
    return f"{path}  {codecs} {info.width}x{info.height} {duration} {megabytes:.1f} MB"


def export_milestone(export: Mapping[str, Any]) -> tuple[str, int]:
    """What is worth a line while waiting: the status, and the quarter of the render reached."""
    return str(export["status"]), int(float(export["progress"]) * 4)


def export_status_line(export: Mapping[str, Any]) -> str:
    """A progress line of one export while the demo waits for it."""
    progress = float(export["progress"])
    line = f"  export {export['export_id']} of {export['clip_id']}: {export['status']} {progress:.0%}"
    return line + (f" — {export['error_message']}" if export.get("error_message") else "")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(float(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def run_demo(options: DemoOptions, out: TextIO = sys.stdout) -> int:
    """Run the demo; 0 when the ranked clips and their thumbnails are there."""
    scorer = "OpenAI (OPENAI_API_KEY is set)" if options.uses_openai else "the offline scorer"
    if not options.uses_openai:
        scorer += " (no OPENAI_API_KEY; set it to score with OpenAI)"
    _say(out, f"viralclip demo — scoring with {scorer}")
    media_root = (options.workdir / "media").resolve()
    system = LocalSystem(
        SystemOptions(
            media_root=media_root,
            log_dir=options.workdir / "logs",
            log_format="json",
            base_env=options.base_env,
            api_port=options.api_port,
            supervise=True,
            report=lambda line: _say(out, line),
        )
    )
    _say(
        out,
        "rendering the sample video; starting the embedded broker, database and "
        f"{len(SERVICE_MODULES)} services …",
    )
    render = asyncio.ensure_future(write_sample(media_root, minutes=options.minutes))
    starting = asyncio.ensure_future(system.start_async())
    try:
        await asyncio.shield(starting)
        files = await render
        _say(out, f"services ready; logs in {options.workdir / 'logs'}")
        api_url = system.api_url
        async with asyncio.timeout(options.timeout_sec + options.export_timeout_sec):
            await _clip_sample(api_url, files.video, options.workdir / "media", out, options)
        if options.keep_running:
            _say(out, f"\nthe stack keeps running: API {api_url}  (docs: {system.url('batch-api')}/docs)")
            _say(out, f"review the clips in your browser: {system.url('batch-api')}/app/")
            _say(out, "press Ctrl-C to stop it")
            await _until_interrupted()
        return 0
    except (RuntimeError, TimeoutError, OSError, httpx.HTTPError) as failure:
        # DemoFailed, a service that would not start, the API refusing: say what, and where the logs are.
        _say(out, f"\ndemo failed: {failure}\nservice logs: {options.workdir / 'logs'}")
        return 1
    finally:
        render.cancel()
        # A thread cannot be cancelled: let a start-up in progress finish, then stop what it started.
        await asyncio.gather(render, starting, return_exceptions=True)
        _say(out, "stopping the services, the broker and the database …")
        await asyncio.to_thread(system.stop)
        _say(out, "stopped")


async def _clip_sample(
    api_url: str, video: Video, media_root: Path, out: TextIO, options: DemoOptions
) -> None:
    started = time.monotonic()
    async with ViralclipClient(api_url) as client:
        await client.register_video(video)
        _say(out, f"registered {video.video_id}: {video.title} ({video.duration_sec / 60:.1f} min)")
        batch = await client.create_batch(video.video_id, **DEMO_CONFIG)
        batch_id = str(batch["batch_id"])
        _say(out, f"clip batch {batch_id} created (job {batch['job_id']}); following its progress:")
        final = await _follow(client, batch_id, out)
        if final["status"] == "failed":
            raise DemoFailed(f"batch {batch_id} failed: {final.get('error_message')}")
        clips = await client.clips(batch_id)
        elapsed = time.monotonic() - started
        _say(
            out, f"\n{len(clips)} clips, ranked by viral score ({elapsed:.1f} s from upload to thumbnails):\n"
        )
        _say(out, clip_table(clips, media_root))
        if not clips:
            raise DemoFailed("the batch ended without clips")
        missing = missing_thumbnails(clips, media_root)
        if missing:
            raise DemoFailed(f"thumbnail files missing for {', '.join(missing)}")
        _say(out, f"\nall {len(clips)} thumbnail files exist under {media_root}")
        await _export_top_clips(client, batch_id, media_root, out, options.export_timeout_sec)


async def _export_top_clips(
    client: ViralclipClient, batch_id: str, media_root: Path, out: TextIO, timeout_sec: float
) -> None:
    """Export the top three clips and print the MP4s; a clear failure when the render does not deliver."""
    started = time.monotonic()
    exports = await client.export_clips(batch_id, **DEMO_EXPORT)
    _say(out, f"\nexporting the top {len(exports)} clips as MP4 (9:16, captions on, face reframe) …")
    shown: dict[str, tuple[str, int]] = {}

    def report(export: dict[str, Any]) -> None:
        if shown.get(export["export_id"]) != (milestone := export_milestone(export)):
            shown[export["export_id"]] = milestone
            _say(out, export_status_line(export))

    try:
        ended = await client.wait_for_exports(
            [str(e["export_id"]) for e in exports], timeout=timeout_sec, on_change=report
        )
    except TimeoutError as late:
        raise DemoFailed(f"{late}; is the render service running? see its log (render.log)") from late
    failed = [e for e in ended if e["status"] == "failed"]
    if failed:
        reasons = "; ".join(f"{e['export_id']}: {e['error_message']}" for e in failed)
        raise DemoFailed(f"{len(failed)} export(s) failed: {reasons}")
    _say(out, f"\n{len(ended)} MP4s ({time.monotonic() - started:.1f} s to render):")
    runner, ffprobe = ffmpeg_runner(), ffprobe_runner()
    for export in ended:
        path = media_root / str(export["file_path"])
        try:
            info: MediaInfo | None = await probe_media(runner, path, timeout_sec=30, ffprobe=ffprobe)
        except FfmpegError:
            info = None
        _say(out, "  " + export_line(export, info, media_root))


async def _follow(client: ViralclipClient, batch_id: str, out: TextIO) -> dict[str, Any]:
    """Draw the progress bar from the SSE stream; fall back to polling if the stream ends early."""
    live = out.isatty()
    last = ""
    try:
        async for update in client.progress(batch_id):
            line = progress_line(update)
            if live:
                out.write(f"\r{line}\x1b[K")
                out.flush()
            elif line != last:
                _say(out, line)
            last = line
            if update.get("status") in TERMINAL:
                break
    except httpx.HTTPError as error:
        _say(out, f"\nprogress stream interrupted ({error.__class__.__name__}); polling instead")
    if live:
        out.write("\n")
    return await client.wait_until_done(batch_id)


async def _until_interrupted() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def _say(out: TextIO, text: str) -> None:
    out.write(text + "\n")
    out.flush()


def main(argv: list[str] | None = None) -> int:
    """Parse the command line (and whether OPENAI_API_KEY is set) and run the demo."""
    parser = argparse.ArgumentParser(prog="python -m viralclip_localstack.demo", description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the sample (default 5)")
    parser.add_argument("--workdir", type=Path, default=Path("var/demo"), help="media and logs go here")
    parser.add_argument("--api-port", type=int, default=0, help="REST API port (default: any free one)")
    parser.add_argument("--keep-running", action="store_true", help="leave the stack up afterwards")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed for the batch")
    parser.add_argument(
        "--export-timeout", type=float, default=600.0, help="seconds allowed for the three exports"
    )
    args = parser.parse_args(argv)
    if args.minutes <= 0:
        parser.error("--minutes: must be positive")
    options = DemoOptions(
        workdir=args.workdir,
        minutes=args.minutes,
        api_port=args.api_port,
        keep_running=args.keep_running,
        uses_openai=bool(os.environ.get("OPENAI_API_KEY", "").strip()),
        timeout_sec=args.timeout,
        base_env=dict(os.environ),
        export_timeout_sec=args.export_timeout,
    )
    return asyncio.run(run_demo(options))


if __name__ == "__main__":
    sys.exit(main())
