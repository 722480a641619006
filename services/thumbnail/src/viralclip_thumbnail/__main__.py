"""`python -m viralclip_thumbnail` (or `viralclip-thumbnail`): serve the thumbnail worker."""

from viralclip_runtime import run_worker

from .app import build_app
from .settings import ThumbnailSettings


def main() -> None:
    """Read the settings from the environment and serve until SIGTERM/SIGINT."""
    settings = ThumbnailSettings.load()
    run_worker(build_app(settings), settings)


if __name__ == "__main__":
    main()
