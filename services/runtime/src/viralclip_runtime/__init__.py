"""Plumbing every viralclip service shares: settings, broker and database wiring, reliable delivery."""

from .batches import is_stale_job
from .deadletter import DeadLetters, PoisonMessage
from .delivery import deliver
from .identity import derived_event_id, next_event
from .inbox import Inbox
from .kafka import consumer_options, ensure_topics, make_broker, publish_event
from .logs import configure_logging, event_context
from .mongo import Document, connect_mongo, database, redact_uri
from .observability import current_trace_headers, trace_context
from .retry import TRANSIENT_ERRORS, RetriesExhausted, RetryPolicy
from .settings import ServiceSettings, env_alias
from .videos import InvalidVideoRecord, load_video
from .worker import WorkerContext, readiness, run_worker, worker_app, worker_context

__all__ = [
    "TRANSIENT_ERRORS",
    "DeadLetters",
    "Document",
    "Inbox",
    "InvalidVideoRecord",
    "PoisonMessage",
    "RetriesExhausted",
    "RetryPolicy",
    "ServiceSettings",
    "WorkerContext",
    "configure_logging",
    "connect_mongo",
    "consumer_options",
    "current_trace_headers",
    "database",
    "deliver",
    "derived_event_id",
    "ensure_topics",
    "env_alias",
    "event_context",
    "is_stale_job",
    "load_video",
    "make_broker",
    "next_event",
    "publish_event",
    "readiness",
    "redact_uri",
    "run_worker",
    "trace_context",
    "worker_app",
    "worker_context",
]
