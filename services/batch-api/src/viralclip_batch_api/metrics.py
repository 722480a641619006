"""batch-api's own metrics, beside the broker's message metrics in the same registry."""

from prometheus_client import CollectorRegistry, Gauge

from .repository import Repository


class BatchMetrics:
    """`viralclip_batches{status}`: how many batches are in each status, read when scraped."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.batches = Gauge("viralclip_batches", "Clip batches by status.", ["status"], registry=registry)

    async def refresh(self, repo: Repository) -> None:
        for status, count in (await repo.count_batches_by_status()).items():
            self.batches.labels(status=status).set(count)
