"""Run batch-api: `python -m viralclip_batch_api` or `viralclip-batch-api`."""

import uvicorn

from .app import create_app
from .settings import BatchApiSettings


def main() -> None:
    """Serve the API with uvicorn until SIGTERM/SIGINT, then stop gracefully."""
    settings = BatchApiSettings.load()
    config = uvicorn.Config(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=30,
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
