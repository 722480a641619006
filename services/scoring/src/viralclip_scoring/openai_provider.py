"""The OpenAI provider: `responses.parse` with the clip schema as `text_format`, our own bounded retries.

The SDK's retries are off (`max_retries=0`) so that every wait is ours: rate limits (honouring
Retry-After), 5xx, timeouts and connection errors back off exponentially with jitter up to
`RetryPolicy.max_attempts` (`LLM_RETRY`: 0.5 s doubling, the upper half jittered); a refusal, a
truncated answer or one that does not parse is retried `answer_retries` times. Any other 4xx fails at
once. Messages never carry the API key.
"""

import asyncio
import json
import random
import re
from collections.abc import Awaitable, Callable

import openai
import pydantic
from openai.types.responses import ParsedResponse

from viralclip_runtime import RetryPolicy

from .llm_schema import LlmClipList
from .providers import ProviderAnswer, ProviderFailure, ScoringCall, TokenUsage
from .retry_after import retry_after_sec

DEFAULT_MODEL = "gpt-6.2-astra"
MAX_STORED_RESPONSE_CHARS = 100_000
LLM_RETRY = RetryPolicy(max_attempts=5, base_delay_sec=0.5, max_delay_sec=30.0, jitter=0.5)
"""Attempts lost to rate limits, 5xx, timeouts and connection errors; waits stay under the poll interval."""
ANSWER_RETRIES = 1
"""Extra attempts after a refusal, a truncated answer or one that does not parse."""
_API_KEY = re.compile(r"sk-[A-Za-z0-9_\-]{8,}")


def redact(text: str, secret: str = "") -> str:
    """`text` with the configured secret and anything shaped like an OpenAI API key masked."""
    if secret:
        text = text.replace(secret, "[redacted]")
    return _API_KEY.sub("sk-[redacted]", text)


def make_openai_client(*, api_key: str, base_url: str | None, timeout_sec: float) -> openai.AsyncOpenAI:
    """An SDK client with our timeout and without the SDK's own retries."""
    return openai.AsyncOpenAI(api_key=api_key, base_url=base_url, timeout=timeout_sec, max_retries=0)


class _Transient(Exception):
    def __init__(self, kind: str, label: str, retry_after: float | None = None) -> None:
        super().__init__(label)
        self.kind = kind
        self.label = label
        self.retry_after = retry_after


class _BadAnswer(Exception):
    def __init__(self, kind: str, detail: str, raw: str | None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.raw = raw


class OpenAIProvider:
    """Proposes clips through the Responses API of OpenAI or any compatible server."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        *,
        model: str = DEFAULT_MODEL,
        timeout_sec: float = 60.0,
        retry: RetryPolicy = LLM_RETRY,
        answer_retries: int = ANSWER_RETRIES,
        secret: str = "",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._client = client
        self._model = model
        self._timeout_sec = timeout_sec
        self._retry = retry
        self._answer_retries = answer_retries
        self._secret = secret
        self._sleep = sleep
        self._jitter = jitter

    @property
    def name(self) -> str:
        return "openai"

    @property
    def model(self) -> str:
        return self._model

    async def close(self) -> None:
        """Close the SDK client's connections."""
        await self._client.close()

    async def propose(self, call: ScoringCall) -> ProviderAnswer:
        """The parsed answer for `call`, after bounded retries; `ProviderFailure` when giving up."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        attempts = transient_failures = bad_answers = 0
        while True:
            attempts += 1
            try:
                response, answer, raw = await self._attempt(call, attempts)
            except _Transient as failure:
                transient_failures += 1
                if transient_failures >= self._retry.max_attempts:
                    raise ProviderFailure(
                        f"{failure.label}: retries exhausted after {attempts} attempts",
                        kind=failure.kind,
                        attempts=attempts,
                        latency_ms=_ms(loop.time() - started),
                    ) from None
                delay = self._retry.delay(
                    transient_failures, draw=self._jitter, at_least_sec=failure.retry_after
                )
                await self._sleep(delay)
                continue
            except _BadAnswer as failure:
                bad_answers += 1
                if bad_answers > self._answer_retries:
                    raise ProviderFailure(
                        f"{redact(failure.detail, self._secret)} ({attempts} attempts)",
                        kind=failure.kind,
                        attempts=attempts,
                        latency_ms=_ms(loop.time() - started),
                        raw_response=self._stored(failure.raw),
                    ) from None
                continue
            return ProviderAnswer(
                answer=answer,
                raw_response=self._stored(raw) or "",
                model=str(response.model or self._model),
                latency_ms=_ms(loop.time() - started),
                attempts=attempts,
                usage=_usage(response),
            )

    async def _attempt(
        self, call: ScoringCall, attempt: int
    ) -> tuple[ParsedResponse[LlmClipList], LlmClipList, str]:
        try:
            async with asyncio.timeout(self._timeout_sec):
                raw = await self._client.responses.with_raw_response.parse(
                    model=self._model,
                    instructions=call.prompt.instructions,
                    input=call.prompt.input,
                    text_format=LlmClipList,
                    timeout=self._timeout_sec,
                )
        except openai.RateLimitError as error:
            raise _Transient(
                "rate_limit", "OpenAI rate limit", retry_after_sec(error.response.headers)
            ) from None
        except (openai.APITimeoutError, TimeoutError):
            raise _Transient("timeout", f"OpenAI request timed out after {self._timeout_sec:g} s") from None
        except openai.APIConnectionError:
            raise _Transient("connection", "OpenAI connection failed") from None
        except openai.APIStatusError as error:
            if error.status_code >= 500 or error.status_code in (408, 409):
                raise _Transient(
                    "server_error",
                    f"OpenAI server error (HTTP {error.status_code})",
                    retry_after_sec(error.response.headers),
                ) from None
            raise ProviderFailure(
                f"OpenAI rejected the request (HTTP {error.status_code}): "
                "check the API key, model and base URL settings",
                kind="rejected",
                attempts=attempt,
            ) from None
        body = raw.text
        try:
            response: ParsedResponse[LlmClipList] = raw.parse()
        except (pydantic.ValidationError, ValueError, openai.APIResponseValidationError):
            cut_off = _incomplete_reason(body)
            if cut_off:
                raise _BadAnswer("truncated", f"OpenAI answer was cut off ({cut_off})", body) from None
            raise _BadAnswer("unparsable", "OpenAI answer did not match the clip schema", body) from None
        return response, _checked_answer(response, body), body

    def _stored(self, raw: str | None) -> str | None:
        return None if raw is None else redact(raw, self._secret)[:MAX_STORED_RESPONSE_CHARS]


def _checked_answer(response: ParsedResponse[LlmClipList], body: str) -> LlmClipList:
    for item in response.output:
        if item.type == "message":
            for content in item.content:
                if content.type == "refusal":
                    reason = " ".join(content.refusal.split())[:200]
                    raise _BadAnswer("refusal", f"OpenAI refused to answer: {reason}", body)
    if response.status == "incomplete":
        details = response.incomplete_details
        cause = (details.reason if details else None) or "incomplete"
        raise _BadAnswer("truncated", f"OpenAI answer was cut off ({cause})", body)
    if response.output_parsed is None:
        raise _BadAnswer("unparsable", "OpenAI answer held no structured output", body)
    return response.output_parsed


def _incomplete_reason(body: str) -> str | None:
    """Why a response body that failed to parse was cut off, if it says it was."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if not isinstance(document, dict) or document.get("status") != "incomplete":
        return None
    details = document.get("incomplete_details")
    reason = details.get("reason") if isinstance(details, dict) else None
    return str(reason or "incomplete")


def _usage(response: ParsedResponse[LlmClipList]) -> TokenUsage | None:
    usage = response.usage
    if usage is None:
        return None
    return TokenUsage(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
    )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
