"""Debian's Chromium for the browser tests, driven headless by Playwright (`executable_path`): nothing
downloads a browser build (`playwright install` is never run). `make browser` installs the package."""

import contextlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

#: Flags for a quiet, offline, reproducible headless run (no sandbox: the tests run as root in CI).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Screenshots the browser tests save (git-ignored, under var/).
ARTIFACTS = Path(__file__).resolve().parents[4] / "var" / "test-artifacts" / "review-page"


class ChromiumMissing(RuntimeError):
    """No Chromium to drive: say how to get one."""


def chromium_executable() -> str:
    """`VIRALCLIP_CHROMIUM`, else Debian's `/usr/bin/chromium`, else `chromium` on PATH."""
    for candidate in (os.environ.get("VIRALCLIP_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    raise ChromiumMissing(
        "the browser tests need Debian's chromium: run `make browser` (as root it runs "
        "apt-get install chromium) or point VIRALCLIP_CHROMIUM at a Chromium binary"
    )


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator["BrowserContext"]:
    """A headless Chromium with a fresh user-data directory, closed (and the directory removed) after."""
    from playwright.async_api import async_playwright

    executable = chromium_executable()
    with tempfile.TemporaryDirectory(prefix="viralclip-chromium-") as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile,
                executable_path=executable,
                headless=True,
                args=list(CHROMIUM_ARGS),
                viewport={"width": 1440, "height": 1000},
            )
            try:
                yield context
            finally:
                await context.close()
