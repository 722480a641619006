"""A local HTTP server that speaks `POST /v1/responses` well enough for the real openai SDK.

    with ResponsesDouble() as double:
        client = AsyncOpenAI(base_url=double.base_url, api_key="test-key", max_retries=0)
        double.script(Script(queue=[Behaviour(kind="rate_limit", retry_after_sec=0.1)]))
        ...
        assert double.call_count == 2

By default it answers one plausible clip inside each window found in the prompt. A `Script` steers it:
`queue` behaviours are used by the next calls in order, `by_window` ones by calls covering that window,
and `default` by the rest. Another process steers it over HTTP: `POST /_control` with a Script as JSON,
`GET /_calls`, `POST /_reset`. A behaviour's latency may grow with the answer: `latency_sec` plus
`latency_per_output_token_sec` per output token (as `usage` counts them), recorded per call. Run it alone
with `python -m viralclip_testkit.responses_double --port 8765 --latency 0.4`.
"""

import argparse
import asyncio
import contextlib
import json
import socket
import threading
import time
from collections import Counter
from types import TracebackType
from typing import Any, Literal

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from .responses_answers import AnswerShape, PromptWindow, answer_text, parse_windows, response_body

Kind = Literal[
    "ok",
    "rate_limit",
    "server_error",
    "hang",
    "malformed_json",
    "truncated",
    "refusal",
    "out_of_range",
    "outside_window",
    "empty",
    "messy",
]


_SHAPES: dict[str, AnswerShape] = {
    "out_of_range": "out_of_range",
    "outside_window": "outside_window",
    "empty": "empty",
    "messy": "messy",
}


class Behaviour(BaseModel):
    """How the double answers one call."""

    kind: Kind = "ok"
    latency_sec: float = Field(default=0.0, ge=0, description="Delay before answering.")
    latency_per_output_token_sec: float = Field(
        default=0.0, ge=0, description="Extra delay per output token of the answer (a model's decoding)."
    )
    retry_after_sec: float | None = Field(default=1.0, description="Retry-After of a rate_limit.")
    status_code: int = Field(default=500, description="Status of a server_error.")
    echo_authorization: bool = Field(
        default=False,
        description="Quote the request's Authorization header in an error body, as careless servers "
        "(and OpenAI's own 401) do, so tests can prove the key never leaks further.",
    )
    hang_sec: float = Field(default=120.0, description="How long a hang lasts before answering.")
    refusal: str = "I'm sorry, but I can't help with that request."


class Script(BaseModel):
    """The double's plan: per-call queue, per-window behaviours, default; optional key check."""

    default: Behaviour = Behaviour()
    queue: list[Behaviour] = []
    by_window: dict[str, Behaviour] = {}
    expected_api_key: str | None = None


class RecordedCall(BaseModel):
    """What one `POST /v1/responses` carried, and how it was answered."""

    number: int
    model: str
    instructions: str
    input: str
    window_ids: list[str]
    schema_name: str | None
    kind: Kind
    authorization: str = Field(default="", description="The Authorization header the call carried.")
    received_at: float = Field(default=0.0, description="time.monotonic() when the call arrived.")
    answered_at: float | None = Field(default=None, description="time.monotonic() when it was answered.")
    latency_sec: float = Field(default=0.0, description="The delay the double applied to this call.")


class _State:
    def __init__(self, script: Script, *, vary_answers: bool = False) -> None:
        self.lock = threading.Lock()
        self.script = script
        self.vary_answers = vary_answers
        self.answers_per_window: Counter[tuple[str, float, float]] = Counter()
        self.calls: list[RecordedCall] = []
        self.released: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def hang(self, seconds: float) -> None:
        """Wait `seconds`, or less if the double stops meanwhile."""
        if self.released is None:
            self.released, self.loop = asyncio.Event(), asyncio.get_running_loop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.released.wait(), seconds)

    def release(self) -> None:
        """End every hanging call (from any thread)."""
        if self.loop is not None and self.released is not None:
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self.released.set)

    def take(self, window_ids: list[str]) -> Behaviour:
        with self.lock:
            for window_id in window_ids:
                if window_id in self.script.by_window:
                    return self.script.by_window[window_id]
            return self.script.queue.pop(0) if self.script.queue else self.script.default

    def record(
        self, body: dict[str, Any], window_ids: list[str], kind: Kind, authorization: str
    ) -> RecordedCall:
        """Record an arriving call."""
        text_format = (body.get("text") or {}).get("format") or {}
        with self.lock:
            call = RecordedCall(
                number=len(self.calls) + 1,
                model=str(body.get("model", "")),
                instructions=str(body.get("instructions") or ""),
                input=_input_text(body.get("input")),
                window_ids=window_ids,
                schema_name=text_format.get("name"),
                kind=kind,
                authorization=authorization,
                received_at=time.monotonic(),
            )
            self.calls.append(call)
            return call

    def shift(self, window: PromptWindow) -> int:
        """With `vary_answers`, how often this window was answered before (its clip starts that many
        lines later, so a window scored twice yields two different clips)."""
        if not self.vary_answers:
            return 0
        key = (window.window_id, window.start, window.end)
        with self.lock:
            earlier = self.answers_per_window[key]
            self.answers_per_window[key] += 1
        return earlier

    def answered(self, call: RecordedCall) -> None:
        with self.lock:
            call.answered_at = time.monotonic()


def create_app(state: _State) -> FastAPI:
    """The double's ASGI app over `state`."""
    app = FastAPI(title="OpenAI Responses API test double")

    @app.post("/v1/responses")
    async def responses(request: Request) -> Response:
        body = await request.json()
        with state.lock:
            expected = state.script.expected_api_key
        if expected is not None and request.headers.get("authorization") != f"Bearer {expected}":
            sent = request.headers.get("authorization", "").removeprefix("Bearer ")
            return _error(401, f"Incorrect API key provided: {sent}.", "invalid_api_key")
        text_format = (body.get("text") or {}).get("format") or {}
        if text_format.get("type") != "json_schema" or text_format.get("strict") is not True:
            return _error(400, "text.format must be a strict json_schema", "invalid_request_error")
        prompt_input = _input_text(body.get("input"))
        window_ids = [window.window_id for window in parse_windows(prompt_input)]
        behaviour = state.take(window_ids)
        call = state.record(body, window_ids, behaviour.kind, request.headers.get("authorization", ""))
        try:
            answer = await _delayed_answer(behaviour, str(body.get("model", "")), prompt_input, state, call)
            if behaviour.echo_authorization and answer.status_code >= 400:
                return _echoing(answer, request.headers.get("authorization", ""))
            return answer
        finally:
            state.answered(call)

    @app.post("/_control")
    async def control(script: Script, reset_calls: bool = False) -> dict[str, int]:
        with state.lock:
            state.script = script
            if reset_calls:
                state.calls.clear()
            return {"calls": len(state.calls)}

    @app.get("/_calls")
    async def calls() -> list[RecordedCall]:
        with state.lock:
            return list(state.calls)

    @app.post("/_reset")
    async def reset() -> dict[str, int]:
        with state.lock:
            state.script, state.calls = Script(), []
        return {"calls": 0}

    return app


async def _delayed_answer(
    behaviour: Behaviour, model: str, prompt_input: str, state: _State, call: RecordedCall
) -> Response:
    """The answer after the behaviour's latency (plus its per-output-token latency, if any)."""
    if not behaviour.latency_per_output_token_sec:
        await asyncio.sleep(behaviour.latency_sec)
        return await _answer(behaviour, model, prompt_input, call.instructions, state)
    answer = await _answer(behaviour, model, prompt_input, call.instructions, state)
    delay = behaviour.latency_sec + behaviour.latency_per_output_token_sec * _output_tokens(answer)
    with state.lock:
        call.latency_sec = delay
    await asyncio.sleep(delay)
    return answer


async def _answer(
    behaviour: Behaviour, model: str, prompt_input: str, instructions: str, state: _State
) -> Response:
    kind = behaviour.kind
    if kind == "rate_limit":
        headers = {}
        if behaviour.retry_after_sec is not None:
            headers = {
                "retry-after": f"{behaviour.retry_after_sec:g}",
                "retry-after-ms": f"{behaviour.retry_after_sec * 1000:g}",
            }
        return _error(429, "Rate limit reached for requests.", "rate_limit_exceeded", headers)
    if kind == "server_error":
        return _error(behaviour.status_code, "The server had an error.", "server_error")
    if kind == "hang":
        await state.hang(behaviour.hang_sec)
    if kind == "refusal":
        return JSONResponse(response_body(model=model, prompt_input=prompt_input, refusal=behaviour.refusal))
    if kind in ("malformed_json", "truncated"):
        full = answer_text(prompt_input, "ok", instructions=instructions)
        text = full[: max(20, len(full) // 2)]
        reason = "max_output_tokens" if kind == "truncated" else None
        body = response_body(model=model, prompt_input=prompt_input, text=text, incomplete_reason=reason)
        return JSONResponse(body)
    text = answer_text(prompt_input, _SHAPES.get(kind, "ok"), state.shift, instructions=instructions)
    return JSONResponse(response_body(model=model, prompt_input=prompt_input, text=text))


def _output_tokens(response: Response) -> int:
    """The answer's output tokens, as its `usage` reports them (0 for an error)."""
    try:
        usage = json.loads(bytes(response.body)).get("usage") or {}
    except ValueError:
        return 0
    return int(usage.get("output_tokens", 0))


def _error(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    error = {"message": message, "type": code, "param": None, "code": code}
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def _echoing(answer: Response, authorization: str) -> JSONResponse:
    error = json.loads(bytes(answer.body))["error"]
    error["message"] = f"{error['message']} (request had Authorization: {authorization})"
    headers = {k: v for k, v in answer.headers.items() if k.startswith("retry-after")}
    return JSONResponse({"error": error}, status_code=answer.status_code, headers=headers)


def _input_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value) if value is not None else ""


class ResponsesDouble:
    """The double in a background thread on 127.0.0.1 and a free port; a context manager."""

    def __init__(
        self,
        script: Script | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        vary_answers: bool = False,
    ) -> None:
        """`vary_answers`: a window answered again gets a different clip (see `_State.shift`), so a
        product that scores a window twice shows it in its clips."""
        self._state = _State(script or Script(), vary_answers=vary_answers)
        self._host = host
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def base_url(self) -> str:
        """The URL to give the SDK as `base_url` (ends in /v1)."""
        return f"http://{self._host}:{self._port}/v1"

    @property
    def control_url(self) -> str:
        return f"http://{self._host}:{self._port}/_control"

    def script(self, script: Script | None = None, *, reset_calls: bool = False) -> None:
        """Replace the script (None: the default, plausible answers)."""
        with self._state.lock:
            self._state.script = script or Script()
            if reset_calls:
                self._state.calls.clear()

    @property
    def calls(self) -> list[RecordedCall]:
        with self._state.lock:
            return list(self._state.calls)

    @property
    def call_count(self) -> int:
        with self._state.lock:
            return len(self._state.calls)

    def start(self) -> "ResponsesDouble":
        """Bind, serve in a thread, and return once the server accepts requests."""
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((self._host, self._port))
        self._port = self._socket.getsockname()[1]
        config = uvicorn.Config(
            create_app(self._state), log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                self.stop()
                raise RuntimeError("the Responses double did not start within 10 s")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving (hanging calls are released) and wait for the thread."""
        self._state.release()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> "ResponsesDouble":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def main() -> None:
    """Serve the double in the foreground until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--latency-per-token", type=float, default=0.0, help="extra seconds per output token")
    arguments = parser.parse_args()
    behaviour = Behaviour(
        latency_sec=arguments.latency, latency_per_output_token_sec=arguments.latency_per_token
    )
    state = _State(Script(default=behaviour))
    print(f"Responses double on http://{arguments.host}:{arguments.port}/v1", flush=True)
    uvicorn.run(create_app(state), host=arguments.host, port=arguments.port, log_level="warning")


if __name__ == "__main__":
    main()
