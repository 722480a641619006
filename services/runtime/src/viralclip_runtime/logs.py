"""Structured logs: one JSON object per line carrying service, batch_id, job_id, event_id, trace_id."""

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from viralclip_contracts import Event

_event_fields: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("viralclip_event_fields", default=())


@contextmanager
def event_context(event: Event) -> Iterator[None]:
    """Every log record inside carries the event's batch_id, job_id and event_id."""
    token = _event_fields.set(
        (("batch_id", event.batch_id), ("job_id", event.job_id), ("event_id", str(event.event_id)))
    )
    try:
        yield
    finally:
        _event_fields.reset(token)


class _ContextFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        for key, value in _event_fields.get():
            setattr(record, key, value)
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            record.trace_id = format(span_context.trace_id, "032x")
        return True


def configure_logging(service: str, *, level: str = "INFO", fmt: Literal["json", "text"] = "json") -> None:
    """Route all logs to stdout, as JSON lines (or plain text for humans)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(_ContextFilter(service))
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter(f"%(asctime)s %(levelname)s [{service}] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "pymongo", "httpx", "httpcore", "openai._base_client"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
