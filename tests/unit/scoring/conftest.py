"""Fixtures of the scoring unit tests: one Responses double per module, reset for every test."""

from collections.abc import Iterator

import pytest

from viralclip_testkit.responses_double import ResponsesDouble


@pytest.fixture(scope="module")
def responses_server() -> Iterator[ResponsesDouble]:
    with ResponsesDouble() as server:
        yield server


@pytest.fixture
def responses_double(responses_server: ResponsesDouble) -> ResponsesDouble:
    """The module's double with the default script and no recorded calls."""
    responses_server.script(None, reset_calls=True)
    return responses_server
