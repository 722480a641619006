"""Run batch-api: `python -m viralclip_batch_api` or `viralclip-batch-api`."""

from viralclip_runtime import run_worker

from .api.app import create_app
from .settings import BatchApiSettings


def main() -> None:
    """Serve the API with uvicorn until SIGTERM/SIGINT, then stop gracefully (exit code 0)."""
    settings = BatchApiSettings.load()
    run_worker(create_app(settings), settings)


if __name__ == "__main__":
    main()
