"""`python -m viralclip_render` (or `viralclip-render`): serve the render worker."""

import os

from viralclip_runtime import run_worker

from .app import build_app
from .settings import RenderServiceSettings


def main() -> None:
    """Read the settings, lower this process's priority (its ffmpeg children inherit it), serve until
    SIGTERM/SIGINT."""
    settings = RenderServiceSettings.load()
    if settings.render_niceness:
        os.nice(settings.render_niceness)
    run_worker(build_app(settings), settings)


if __name__ == "__main__":
    main()
