"""docs/TRANSCRIPTS.md stays true: every example of an accepted format in it is accepted."""

import re
from pathlib import Path

import pytest

from viralclip_batch_api.core.transcripts import import_transcript

DOC = (Path(__file__).resolve().parents[3] / "docs" / "TRANSCRIPTS.md").read_text(encoding="utf-8")
FORMATS = DOC[DOC.index("## JSON") : DOC.index("## Estimated words")]
EXAMPLES = re.findall(r"```(?:json)?\n(.*?)```", FORMATS, flags=re.DOTALL)


def test_the_page_shows_an_example_of_every_format() -> None:
    assert len(EXAMPLES) == 8  # ours, Whisper, faster-whisper, WhisperX, OpenAI, SRT, WebVTT, inline WebVTT


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.splitlines()[0][:30] for e in EXAMPLES])
def test_every_example_of_the_page_is_accepted(example: str) -> None:
    imported = import_transcript(example)

    assert imported.segments
    assert all(segment.text for segment in imported.segments)
