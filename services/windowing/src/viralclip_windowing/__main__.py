"""`python -m viralclip_windowing` (or `viralclip-windowing`): serve the windowing worker."""

from viralclip_runtime import run_worker

from .app import build_app
from .settings import WindowingSettings


def main() -> None:
    """Read the settings from the environment and serve until SIGTERM/SIGINT."""
    settings = WindowingSettings.load()
    run_worker(build_app(settings), settings)


if __name__ == "__main__":
    main()
