"""Settings every service shares. Each service subclasses `ServiceSettings` and adds its own fields.

Environment variables carry the `VIRALCLIP_` prefix, except the three that deployments everywhere name
without one: `KAFKA_BOOTSTRAP_SERVERS`, `MONGODB_URI` and (scoring) `OPENAI_API_KEY`. Secrets can also be
read from files in `VIRALCLIP_SECRETS_DIR` (one file per setting, e.g. `mongodb_uri`).
"""

import os
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def env_alias(name: str) -> AliasChoices:
    """Accept both `NAME` and `VIRALCLIP_NAME` for a setting that deployments name without a prefix."""
    return AliasChoices(name, f"VIRALCLIP_{name}")


class ServiceSettings(BaseSettings):
    """Connection, media and logging settings of one viralclip service."""

    # A refused value may be a secret (a too-short token, a mistyped key): errors name the setting only.
    model_config = SettingsConfigDict(
        env_prefix="VIRALCLIP_", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092",
        validation_alias=env_alias("KAFKA_BOOTSTRAP_SERVERS"),
        description="Kafka bootstrap servers, comma-separated.",
    )
    mongodb_uri: SecretStr = Field(
        default=SecretStr("mongodb://127.0.0.1:27017"),
        validation_alias=env_alias("MONGODB_URI"),
        description="MongoDB connection string (may hold a password; never logged).",
    )
    mongodb_database: str = Field(default="viralclip", description="Database name.")
    media_root: Path = Field(default=Path("var/media"), description="Root of videos and thumbnails.")
    http_host: str = Field(default="127.0.0.1", description="Bind address of the HTTP endpoint.")
    http_port: int = Field(default=8000, ge=0, le=65535, description="0 picks a free port.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = Field(default="json", description="json or text.")
    topic_partitions: int = Field(
        default=6, ge=1, description="Partitions of topics this service creates when missing."
    )
    topic_suffix: str = Field(
        default="", description="Appended to every topic name (isolates test runs on a shared broker)."
    )
    consumer_fetch_max_wait_ms: int = Field(default=20, ge=1, le=500)
    consumer_workers: int = Field(
        default=1,
        ge=1,
        le=32,
        description="Batches one process handles at once: that many consumers in the group, each with "
        "its own partitions (so at most the partition count across all replicas).",
    )
    consumer_session_timeout_ms: int = Field(default=10_000, ge=1_000)
    consumer_max_poll_interval_ms: int = Field(
        default=600_000,
        ge=1_000,
        description="A consumer that makes no poll for this long leaves its group; handlers that run longer "
        "are kept polling (see viralclip_runtime.keepalive).",
    )
    heartbeat_interval_sec: float = Field(
        default=5.0, gt=0, description="How often a worker refreshes its `worker_heartbeats` document."
    )
    retry_max_attempts: int = Field(
        default=8, ge=1, description="Attempts of a transient failure before the message is nacked."
    )
    retry_max_delay_sec: float = Field(default=5.0, gt=0, description="Backoff ceiling.")
    otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=env_alias("OTEL_EXPORTER_OTLP_ENDPOINT"),
        description="Traces are exported only when this is set.",
    )

    def topic(self, name: str) -> str:
        """The broker topic that carries the contract topic `name` in this deployment."""
        return f"{name}{self.topic_suffix}"

    @classmethod
    def load(cls, **overrides: Any) -> Self:
        """Read the environment (and `VIRALCLIP_SECRETS_DIR`, when set); overrides win."""
        secrets_dir = os.environ.get("VIRALCLIP_SECRETS_DIR")
        if secrets_dir:
            return cls(_secrets_dir=secrets_dir, **overrides)
        return cls(**overrides)
