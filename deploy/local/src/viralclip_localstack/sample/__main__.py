"""`python -m viralclip_localstack.sample --minutes 5 --out DIR`: render the bundled sample podcast."""

import argparse
import asyncio
import sys
from pathlib import Path

from .files import write_sample
from .video import DEFAULT_FPS


def main(argv: list[str] | None = None) -> int:
    """Render the sample into `--out` (used as the media root) and print what was written."""
    parser = argparse.ArgumentParser(
        prog="python -m viralclip_localstack.sample",
        description="Render the bundled NASA podcast sample: video, transcript and scenes.",
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, default=5.0, help="first N minutes (default 5)")
    length.add_argument("--full", action="store_true", help="the whole transcript (about an hour)")
    parser.add_argument("--out", type=Path, required=True, help="media root to write into")
    parser.add_argument("--fps", type=int, default=DEFAULT_FPS, help="frames per second")
    args = parser.parse_args(argv)
    if not args.full and args.minutes <= 0:
        parser.error("--minutes: must be positive")
    files = asyncio.run(write_sample(args.out, minutes=None if args.full else args.minutes, fps=args.fps))
    video = files.video
    print(
        f"{video.title}: {video.duration_sec:.1f} s, {len(video.transcript)} segments, "
        f"{len(video.scenes)} scenes"
    )
    for path in (files.media_file, files.transcript_json, files.scenes_json, files.video_json):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
