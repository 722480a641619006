"""batch-api's own metrics, beside the broker's message metrics in the same registry."""

from prometheus_client import CollectorRegistry, Counter, Gauge

from .repository import Repository


class BatchMetrics:
    """`viralclip_batches{status}` (batches in each status) and `viralclip_outbox_quarantined` (outbox
    entries set aside), read from the database when scraped."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.batches = Gauge("viralclip_batches", "Clip batches by status.", ["status"], registry=registry)
        self.stall_actions = Counter(
            "viralclip_stall_actions",
            "Items the stall watch re-drove or failed past their deadline, by lifecycle and action.",
            ["lifecycle", "action"],
            registry=registry,
        )
        self.quarantined = Gauge(
            "viralclip_outbox_quarantined",
            "Outbox entries set aside because they no longer validate (see the batch's outbox).",
            registry=registry,
        )

    async def refresh(self, repo: Repository) -> None:
        for status, count in (await repo.count_batches_by_status()).items():
            self.batches.labels(status=status).set(count)
        self.quarantined.set(await repo.count_quarantined_outbox_entries())

    def stall_action(self, lifecycle: str, action: str) -> None:
        """Count one re-drive or failure by the stall watch (this replica's)."""
        self.stall_actions.labels(lifecycle=lifecycle, action=action).inc()
