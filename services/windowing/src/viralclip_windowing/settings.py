"""Settings of the windowing service (environment variables `VIRALCLIP_*`)."""

from pydantic import Field

from viralclip_runtime import ServiceSettings

from .rules import DEFAULT_RULES, WindowingRules


class WindowingSettings(ServiceSettings):
    """The shared connection settings plus the window cap (see the README for why these defaults)."""

    windowing_max_windows: int = Field(
        default=DEFAULT_RULES.max_windows,
        ge=1,
        le=5_000,
        description="Most windows per batch (each may cost one LLM call in per-window scoring).",
    )
    windowing_max_payload_bytes: int = Field(
        default=DEFAULT_RULES.max_payload_bytes,
        ge=10_000,
        le=900_000,
        description="Most estimated bytes of a windows.ready event (Kafka's default limit is 1 MB).",
    )

    @property
    def rules(self) -> WindowingRules:
        """The windowing thresholds with this deployment's cap."""
        return WindowingRules(
            max_windows=self.windowing_max_windows,
            max_payload_bytes=self.windowing_max_payload_bytes,
        )
