"""`python -m viralclip_scoring` (or `viralclip-scoring`): serve the scoring worker."""

from viralclip_runtime import run_worker

from .app import build_app
from .settings import ScoringSettings


def main() -> None:
    """Read the settings from the environment and serve until SIGTERM/SIGINT."""
    settings = ScoringSettings.load()
    run_worker(build_app(settings), settings)


if __name__ == "__main__":
    main()
