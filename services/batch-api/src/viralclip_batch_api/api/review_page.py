"""The review page: static HTML, CSS and ES modules from `webapp/`, served at `/app/` (and `/` redirects
there). The page calls only the public REST API, so it needs no routes of its own; its files hold no data
and are served without the token (the page asks the user for it)."""

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

PAGE_PATH = "/app"
ASSETS = Path(str(files(__package__) / "webapp"))

# Everything from this origin only: no CDN, no inline script, no framing; blob: for images and exports the
# page fetched with the bearer token. No referrer, so a signed media link never leaves in a header.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class _PageFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        return response


def install_review_page(app: FastAPI) -> None:
    """Serve the review page at `/app/`; `/` redirects to it."""
    app.mount(PAGE_PATH, _PageFiles(directory=ASSETS, html=True), name="review-page")

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse(f"{PAGE_PATH}/")
