"""Response bodies of the Responses double: plausible clips for the windows found in a prompt.

The prompt lists windows as `### Window <id>: <start>s – <end>s` followed by transcript lines
`[<start> – <end>] <text>` (see `viralclip_scoring.prompt`); the target duration comes from the line
`Target clip duration: <low>-<high> seconds`. A chunk prompt instead lists `<id> <start>-<end>`
window ranges after `Windows:` and, after `Transcript:`, lines `<start> <text>` (`~` before context
lines, which no window covers); a line ends where the next one starts. Each answer is one clip per
window, built from whole lines from the window's first one, aiming at the middle of the duration range;
in a chunk answer a clip that would overlap an earlier one by more than half is left out, as a model
told "clips never overlap" would.
"""

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

AnswerShape = Literal["ok", "out_of_range", "outside_window", "empty", "messy"]

_WINDOW = re.compile(r"^### Window (\S+): ([\d.]+)s – ([\d.]+)s\s*$")
_LINE = re.compile(r"^\[([\d.]+) – ([\d.]+)\] (.*)$")
_RANGE = re.compile(r"^(\S+) (\d+)-(\d+)$")
_CHUNK_LINE = re.compile(r"^(~?)([\d.]+) (.*)$")
_PART = re.compile(r"^Part \d+/\d+: \d+-(\d+)$")
_TARGET = re.compile(r"Target clip duration: ([\d.]+)-([\d.]+) seconds")
_GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C")
_LIMIT_PER_WINDOW = re.compile(r"at most (\d+) clips per window", re.IGNORECASE)
_LIMIT_IN_ALL = re.compile(r"at most (\d+), spread over the windows")
MAX_CLIPS = 20
"""Clips in one answer when the instructions state no limit."""


@dataclass(frozen=True)
class PromptLine:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class PromptWindow:
    window_id: str
    start: float
    end: float
    lines: tuple[PromptLine, ...]


def parse_windows(prompt_input: str) -> list[PromptWindow]:
    """The windows (and their timed lines) listed in a scoring prompt's input."""
    if is_chunk_prompt(prompt_input):
        return _chunk_windows(prompt_input)
    windows: list[PromptWindow] = []
    current: tuple[str, float, float] | None = None
    lines: list[PromptLine] = []
    for raw in prompt_input.splitlines():
        header = _WINDOW.match(raw)
        if header:
            if current:
                windows.append(PromptWindow(*current, lines=tuple(lines)))
            current, lines = (header[1], float(header[2]), float(header[3])), []
            continue
        line = _LINE.match(raw)
        if line and current:
            lines.append(PromptLine(float(line[1]), float(line[2]), line[3]))
    if current:
        windows.append(PromptWindow(*current, lines=tuple(lines)))
    return windows


def is_chunk_prompt(prompt_input: str) -> bool:
    """Whether the prompt is a chunk call's (window ranges over lines sent once)."""
    return "\nTranscript:\n" in prompt_input and any(_RANGE.match(raw) for raw in prompt_input.splitlines())


def _chunk_windows(prompt_input: str) -> list[PromptWindow]:
    ranges: list[tuple[str, float, float]] = []
    timed: list[tuple[bool, float, str]] = []
    part_end = 0.0
    head, _, transcript = prompt_input.partition("\nTranscript:\n")
    head, _, listed = head.partition("\nWindows:\n")
    for raw in head.splitlines():
        part = _PART.match(raw)
        if part:
            part_end = float(part[1])
    for raw in listed.splitlines():
        found = _RANGE.match(raw)
        if found:
            ranges.append((found[1], float(found[2]), float(found[3])))
    for raw in transcript.splitlines():
        line = _CHUNK_LINE.match(raw)
        if line:
            timed.append((line[1] == "~", float(line[2]), line[3]))
    lines = [
        PromptLine(start, timed[i + 1][1] if i + 1 < len(timed) else max(part_end, start), text)
        for i, (context, start, text) in enumerate(timed)
        if not context
    ]
    return [
        PromptWindow(window_id, start, end, tuple(x for x in lines if start <= x.start < end))
        for window_id, start, end in ranges
    ]


def target_duration(prompt_input: str) -> tuple[float, float]:
    """The (low, high) clip duration the prompt asks for; 30–60 s when it says nothing."""
    found = _TARGET.search(prompt_input)
    return (float(found[1]), float(found[2])) if found else (30.0, 60.0)


def clip_limit(instructions: str, window_count: int) -> int:
    """How many clips the instructions allow in one answer, read as a model reads them: "at most N
    clips per window" over the prompt's windows, or "at most N" in all; MAX_CLIPS when they say neither."""
    if per_window := _LIMIT_PER_WINDOW.search(instructions):
        return int(per_window[1]) * window_count
    if in_all := _LIMIT_IN_ALL.search(instructions):
        return int(in_all[1])
    return MAX_CLIPS


def answer_text(
    prompt_input: str,
    shape: AnswerShape,
    shift: Callable[[PromptWindow], int] | None = None,
    *,
    instructions: str = "",
) -> str:
    """The structured-output JSON text answering `prompt_input` within the limit its `instructions`
    state; `shift` says how many lines later than the window's first each window's clip starts (0 when
    not given)."""
    if shape == "empty":
        return json.dumps({"clips": []})
    low, high = target_duration(prompt_input)
    windows = parse_windows(prompt_input)
    limit = clip_limit(instructions, len(windows))
    if is_chunk_prompt(prompt_input):
        windows = _apart(windows, low, high)
    windows = [window for window in windows[:limit] if window.lines]
    if shape == "messy":
        return json.dumps({"clips": [c for i, w in enumerate(windows) for c in _messy(w, low, high, i)]})
    clips = [
        _clip(window, low, high, index, shape, shift(window) if shift else 0)
        for index, window in enumerate(windows)
    ]
    return json.dumps({"clips": clips})


def _apart(windows: list[PromptWindow], low: float, high: float) -> list[PromptWindow]:
    """The windows whose clip overlaps no earlier kept one by more than half of the shorter."""
    kept: list[tuple[PromptWindow, float, float]] = []
    for window in windows:
        if not window.lines:
            continue
        clip = _clip(window, low, high, 0, "ok")
        start, end = clip["start_sec"], clip["end_sec"]
        if all(min(end, e) - max(start, s) <= 0.5 * min(end - start, e - s) for _, s, e in kept):
            kept.append((window, start, end))
    return [window for window, _, _ in kept]


def response_body(
    *,
    model: str,
    prompt_input: str,
    text: str | None = None,
    refusal: str | None = None,
    incomplete_reason: str | None = None,
) -> dict[str, Any]:
    """A `Response` object as the API returns it, carrying `text` or a `refusal`."""
    content: dict[str, Any] = (
        {"type": "refusal", "refusal": refusal}
        if refusal is not None
        else {"type": "output_text", "text": text or "", "annotations": [], "logprobs": []}
    )
    output_chars = len(refusal if refusal is not None else text or "")
    suffix = hashlib.sha256(f"{time.time_ns()}".encode()).hexdigest()[:24]
    return {
        "id": f"resp_{suffix}",
        "object": "response",
        "created_at": int(time.time()),
        "status": "incomplete" if incomplete_reason else "completed",
        "incomplete_details": {"reason": incomplete_reason} if incomplete_reason else None,
        "error": None,
        "model": model,
        "output": [
            {
                "type": "message",
                "id": f"msg_{suffix}",
                "status": "incomplete" if incomplete_reason else "completed",
                "role": "assistant",
                "content": [content],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": len(prompt_input) // 4,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": output_chars // 4,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": len(prompt_input) // 4 + output_chars // 4,
        },
    }


def _clip(
    window: PromptWindow, low: float, high: float, index: int, shape: AnswerShape, shift: int = 0
) -> dict[str, Any]:
    target = (low + high) / 2  # aim at the middle, so rounding never pushes a clip out of the range
    first = shift % max(1, (len(window.lines) + 1) // 2)
    chosen = [window.lines[first]]
    for line in window.lines[first + 1 :]:
        if chosen[-1].end - chosen[0].start >= target or line.end - chosen[0].start > high:
            break
        chosen.append(line)
    start, end = chosen[0].start, chosen[-1].end
    digest = int(hashlib.sha256(window.window_id.encode()).hexdigest(), 16)
    score = 5.0 + (digest % 45) / 10
    if shape == "out_of_range":
        score = 12.5 if index % 2 == 0 else -3.0
    if shape == "outside_window":
        start, end = window.end + 100.0, window.end + 100.0 + (end - start)
    opening = chosen[0].text.split(": ", 1)[-1]
    return {
        "start_sec": start,
        "end_sec": end,
        "title": " ".join(opening.split()[:8]).rstrip(".,;:") or f"Clip {window.window_id}",
        "description": f"A moment from window {window.window_id}: {opening[:120]}",
        "viral_score": round(score, 1),
        "grades": {
            "hook": _GRADES[digest % len(_GRADES)],
            "flow": _GRADES[(digest >> 3) % len(_GRADES)],
            "value": _GRADES[(digest >> 6) % len(_GRADES)],
            "trend": _GRADES[(digest >> 9) % len(_GRADES)],
        },
        "viral_reason": "A strong opening line with a clear payoff.",
        "hook": opening[:150],
        "hashtags": ["#clip", "#viral", "#shorts"],
    }


def _messy(window: PromptWindow, low: float, high: float, index: int) -> list[dict[str, Any]]:
    """What a careless model answers for one window: every defect the product's repair must handle.

    Off-grid times, a range reaching past the window, one far outside it, one too long and one too
    short, two that overlap, scores outside 0–10, grades in odd spellings or invalid, blank titles.
    """
    base = _clip(window, low, high, index, "ok")
    first, last = window.lines[0].start, window.lines[-1].end
    span = base["end_sec"] - base["start_sec"]
    odd_grades = ("a", "b−", "A-", "c+")
    variants: list[dict[str, Any]] = [
        {  # off the transcript grid, spilling past the window's start, score too high
            "start_sec": round(max(0.0, first - 1.7), 2),
            "end_sec": round(base["end_sec"] + 0.63, 2),
            "viral_score": 13.0 + index,
            "title": f"  {base['title']}  ",
            "grades": {
                key: odd_grades[(index + n) % len(odd_grades)] for n, key in enumerate(base["grades"])
            },
        },
        {  # nearly the same moment again, a hair later: a duplicate by overlap
            "start_sec": round(base["start_sec"] + 0.9, 2),
            "end_sec": round(base["end_sec"] + 0.4, 2),
            "viral_score": -2.5,
            "title": base["title"] + " (again)",
        },
        {  # far outside the window
            "start_sec": round(last + 500.0, 2),
            "end_sec": round(last + 500.0 + span, 2),
        },
        {  # much too long: the whole window and three times the longest clip
            "start_sec": first,
            "end_sec": round(first + 3 * high, 2),
            "title": "A very long stretch",
        },
        {  # much too short
            "start_sec": round(first + 0.2, 2),
            "end_sec": round(first + max(1.0, low / 4), 2),
        },
        {  # blank title and an invalid grade
            "title": "   ",
            "grades": {**base["grades"], "value": "E"},
        },
    ]
    return [{**base, **variant} for variant in variants]
