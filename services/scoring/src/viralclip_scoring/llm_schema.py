"""The structured-output model sent to the LLM as `text_format` (and produced by the offline scorer).

Shaped like the seed's JSON (`clips[]` with times, title, description, viral_score, grades) plus
`viral_reason`, `hook` and `hashtags`. Strict-schema friendly: every field is required and nothing has a
default. Ranges and the letter set are schema hints only, not validation, so one out-of-range number does
not throw the whole answer away: `validate.py` repairs or drops each clip on its own.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from viralclip_contracts import Grade

GRADE_LETTERS: tuple[str, ...] = tuple(grade.value for grade in Grade)


def _grade_field(aspect: str) -> Any:
    return Field(
        description=f"Letter grade for the {aspect}.",
        json_schema_extra={"enum": list(GRADE_LETTERS)},
    )


class LlmGrades(BaseModel):
    """Letter grades for the four aspects of a clip."""

    model_config = ConfigDict(extra="ignore")

    hook: str = _grade_field("opening seconds: do they stop the scroll")
    flow: str = _grade_field("flow: complete thought, clean start and end")
    value: str = _grade_field("value: what the viewer learns or feels")
    trend: str = _grade_field("fit with what performs on short-form platforms now")


class LlmClip(BaseModel):
    """One proposed clip, with absolute timestamps in seconds."""

    model_config = ConfigDict(extra="ignore")

    start_sec: float = Field(description="Clip start, seconds from the start of the video.")
    end_sec: float = Field(description="Clip end, seconds from the start of the video.")
    title: str = Field(description="Short, catchy title in the transcript's language.")
    description: str = Field(description="One or two sentences in the transcript's language.")
    viral_score: float = Field(
        description="Predicted virality, 0 to 10, one decimal.",
        json_schema_extra={"minimum": 0, "maximum": 10},
    )
    grades: LlmGrades
    viral_reason: str = Field(description="One sentence: why this clip works.")
    hook: str = Field(description="The clip's opening line, quoted from the transcript.")
    hashtags: list[str] = Field(description="Three to five hashtags, each starting with #.")


class LlmClipList(BaseModel):
    """The whole answer: the clips found, best first."""

    model_config = ConfigDict(extra="ignore")

    clips: list[LlmClip]
