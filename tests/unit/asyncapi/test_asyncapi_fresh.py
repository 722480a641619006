"""The committed AsyncAPI documents are what the services' apps generate, and they tell the event flow."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from viralclip_contracts import (
    BATCH_CREATED,
    CLIP_EXPORT_FAILED,
    CLIP_EXPORT_REQUESTED,
    CLIP_EXPORTED,
    EVENT_BY_TOPIC,
    LIFECYCLES,
    PIPELINE_TOPICS,
    event_type_of,
)
from viralclip_testkit.workspace import service_packages

ASYNCAPI_DIR = Path(__file__).resolve().parents[3] / "docs" / "asyncapi"
GENERATOR = ASYNCAPI_DIR / "generate.py"


def event_flow() -> dict[str, tuple[set[str], set[str]]]:
    """Service → (topics it consumes, topics it publishes), as in the architecture's event-flow diagram:
    batch-api starts both lifecycles and projects the batch's events and the exports' results; each
    worker consumes the event of the row before its stage, publishes its row's event or the failure."""
    flow = {
        "batch-api": (
            {*PIPELINE_TOPICS, CLIP_EXPORTED, CLIP_EXPORT_FAILED},
            {BATCH_CREATED, CLIP_EXPORT_REQUESTED},
        )
    }
    for lifecycle in LIFECYCLES:
        for step in lifecycle.steps[1:]:
            consumes, publishes = flow.setdefault(step.producer, (set(), set()))
            consumes.update(lifecycle.consumers[step.producer])
            publishes.update({step.topic, event_type_of(lifecycle.failure)})
    return flow


FLOW = event_flow()
_DEPLOYMENT_VARIABLES = ("VIRALCLIP_", "KAFKA_", "MONGODB_", "OPENAI_", "OTEL_")


def test_committed_documents_match_the_applications() -> None:
    # a clean environment (no deployment settings) and a separate process: building an app configures
    # logging; nothing may connect, so an unresolvable broker address must not matter
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DEPLOYMENT_VARIABLES)}
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def operations(document: dict[str, Any], action: str) -> set[str]:
    """Kafka topics of the document's operations of one kind (`receive` or `send`)."""
    channels = document["channels"]
    topics = set()
    for operation in document["operations"].values():
        if operation["action"] != action:
            continue
        # a `$ref` is a URI fragment: channel names with spaces arrive percent-encoded
        channel = channels[unquote(operation["channel"]["$ref"].rsplit("/", 1)[-1])]
        if "kafka" in channel.get("bindings", {}):
            topics.add(channel["address"])
    return topics


@pytest.mark.parametrize("service", sorted(FLOW))
def test_each_document_shows_what_the_service_consumes_and_publishes(service: str) -> None:
    document = json.loads((ASYNCAPI_DIR / f"{service}.json").read_text())
    consumes, publishes = FLOW[service]
    assert operations(document, "receive") == consumes
    assert operations(document, "send") == publishes
    assert document["servers"]["development"]["protocol"] == "kafka"


@pytest.mark.parametrize("service", sorted(FLOW))
def test_each_message_payload_is_the_contract_model(service: str) -> None:
    document = json.loads((ASYNCAPI_DIR / f"{service}.json").read_text())
    schemas = document["components"]["schemas"]
    for topic in set.union(*FLOW[service]):
        model = EVENT_BY_TOPIC[topic]
        published = schemas[model.__name__]
        assert set(published["properties"]) == set(model.model_json_schema()["properties"])


def test_every_service_has_a_document() -> None:
    committed = {path.stem for path in ASYNCAPI_DIR.glob("*.json")}
    assert committed == set(FLOW)
    assert set(FLOW) == {package.name for package in service_packages()}, "every service is in a table"
