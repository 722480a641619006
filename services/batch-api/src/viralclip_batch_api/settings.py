"""Settings of the batch-api service: the shared `ServiceSettings` plus the API's own.

Read once in the composition root; nothing else reads the environment. Tokens and secrets shorter than
16 characters are refused, so a guessable value never guards a deployment.
"""

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from viralclip_runtime import RetryPolicy, ServiceSettings

from .core.deadlines import DeadlineRules

API_PREFIX = "/viral-clip"
_MIN_SECRET_CHARS = 16


class BatchApiSettings(ServiceSettings):
    """`VIRALCLIP_*` settings of batch-api (see `services/batch-api/README.md`)."""

    consumer_workers: int = Field(
        default=1,
        ge=1,
        le=1,
        description="One consumer: the projector reads all five topics, and FastStream's concurrent "
        "consumers take a single topic.",
    )
    api_token: SecretStr | None = Field(
        default=None, description="When set, every endpoint but health checks needs it as a bearer token."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed to call the API from a browser, comma-separated."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="HMAC-SHA256 key of webhook signatures; batches with a webhook need it."
    )
    webhook_max_attempts: int = Field(default=6, ge=1, le=20)
    webhook_base_delay_sec: float = Field(default=2.0, gt=0, description="First retry delay; doubles.")
    webhook_max_delay_sec: float = Field(default=300.0, gt=0)
    webhook_timeout_sec: float = Field(default=10.0, gt=0, description="Per delivery attempt.")
    webhook_allowed_destinations: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names or networks webhooks may reach although they are not public "
        "(development and tests only), comma-separated, e.g. `127.0.0.1/32,hooks.internal`.",
    )
    webhook_resolve_timeout_sec: float = Field(
        default=5.0, gt=0, description="DNS look-up of a webhook host, at creation and per attempt."
    )
    poll_interval_sec: float = Field(
        default=1.0, gt=0, description="How often the outbox relay and webhook sender look for work."
    )
    publish_timeout_sec: float = Field(default=15.0, gt=0, description="Per outbox event publish.")
    sse_refresh_sec: float = Field(
        default=1.0, gt=0, description="Longest wait between two reads of a batch for its event stream."
    )
    sse_ping_sec: int = Field(default=15, ge=1, description="Keep-alive comment interval of the stream.")
    upload_max_bytes: int = Field(default=8 * 1024**3, ge=1, description="Largest accepted media upload.")
    probe_timeout_sec: float = Field(default=30.0, gt=0, description="Duration probe of a media file.")

    deadline_slack_sec: float = Field(
        default=120.0, gt=0, description="Added to every stage's deadline (start-up, rebalances, queues)."
    )
    deadline_windowing_sec: float = Field(
        default=60.0, gt=0, description="Work allowance of windowing (and of a queued batch's pick-up)."
    )
    deadline_llm_timeout_sec: float = Field(
        default=60.0, gt=0, description="One LLM call, as scoring's VIRALCLIP_OPENAI_TIMEOUT_SEC."
    )
    deadline_llm_concurrency: int = Field(
        default=4, ge=1, description="LLM calls at once, as scoring's VIRALCLIP_SCORING_CONCURRENCY."
    )
    deadline_ffmpeg_timeout_sec: float = Field(
        default=30.0, gt=0, description="One ffmpeg run, as thumbnail's VIRALCLIP_FFMPEG_TIMEOUT_SEC."
    )
    deadline_ffmpeg_concurrency: int = Field(
        default=2, ge=1, description="ffmpeg runs at once, as thumbnail's VIRALCLIP_THUMBNAIL_CONCURRENCY."
    )
    worker_heartbeat_stale_sec: float = Field(
        default=20.0, gt=0, description="A worker whose last heartbeat is older counts as gone (/status)."
    )
    stall_watch_interval_sec: float = Field(
        default=5.0, gt=0, description="How often the stall watch looks for batches past their deadline."
    )

    def deadline_rules(self) -> DeadlineRules:
        """The figures stage deadlines are derived from."""
        return DeadlineRules(
            slack_sec=self.deadline_slack_sec,
            windowing_sec=self.deadline_windowing_sec,
            llm_timeout_sec=self.deadline_llm_timeout_sec,
            llm_concurrency=self.deadline_llm_concurrency,
            ffmpeg_timeout_sec=self.deadline_ffmpeg_timeout_sec,
            ffmpeg_concurrency=self.deadline_ffmpeg_concurrency,
        )

    @property
    def webhook_retry(self) -> RetryPolicy:
        """Attempts of a webhook delivery and the waits between them (no jitter: each wait is stored)."""
        return RetryPolicy(
            max_attempts=self.webhook_max_attempts,
            base_delay_sec=self.webhook_base_delay_sec,
            max_delay_sec=self.webhook_max_delay_sec,
            jitter=0.0,
        )

    @field_validator("cors_origins", "webhook_allowed_destinations", mode="before")
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("api_token", "webhook_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < _MIN_SECRET_CHARS:
            raise ValueError(f"must be at least {_MIN_SECRET_CHARS} characters")
        return value
