"""One LocalSystem for `make up`, the demo and the tests: their differences are options."""

from pathlib import Path

from viralclip_contracts import LIFECYCLES
from viralclip_localstack.fleet import SERVICE_MODULES
from viralclip_localstack.system import LocalSystem, SystemOptions
from viralclip_testkit.workspace import service_packages

CALLER = {
    "PATH": "/usr/bin",
    "VIRALCLIP_SCORING_PROVIDER": "openai",
    "OPENAI_API_KEY": "sk-the-callers-own",
    "KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9092",
    "MONGODB_URI": "mongodb://db.example",
}


def test_an_isolated_system_drops_the_callers_settings_and_brings_its_own_stack(tmp_path: Path) -> None:
    system = LocalSystem(
        SystemOptions(
            media_root=tmp_path / "media",
            base_env=CALLER,
            isolated=True,
            partitions=3,
            log_format="json",
            env={"VIRALCLIP_SCORING_STRATEGY": "per_window"},
        )
    )
    env = system.service_env()
    assert env["PATH"] == "/usr/bin"
    assert "OPENAI_API_KEY" not in env
    assert "VIRALCLIP_SCORING_PROVIDER" not in env
    assert system.stack.kafka_bootstrap_servers == "", "an isolated system starts its own broker"
    assert system.stack.mongodb_uri == ""
    assert env["VIRALCLIP_TOPIC_PARTITIONS"] == "3"
    assert env["VIRALCLIP_LOG_FORMAT"] == "json"
    assert env["VIRALCLIP_MEDIA_ROOT"] == str((tmp_path / "media").resolve())
    assert env["VIRALCLIP_SCORING_STRATEGY"] == "per_window"


def test_make_up_and_the_demo_pass_the_callers_settings_and_use_a_given_broker(tmp_path: Path) -> None:
    system = LocalSystem(SystemOptions(media_root=tmp_path, base_env=CALLER, api_port=8123))
    env = system.service_env()
    assert env["OPENAI_API_KEY"] == "sk-the-callers-own"
    assert env["VIRALCLIP_SCORING_PROVIDER"] == "openai"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka.example:9092"
    assert env["MONGODB_URI"] == "mongodb://db.example"
    assert "VIRALCLIP_TOPIC_PARTITIONS" not in env
    assert system.url("batch-api") == "http://127.0.0.1:8123"


def test_every_service_of_the_fleet_is_started_by_default(tmp_path: Path) -> None:
    assert SystemOptions(media_root=tmp_path).services == tuple(SERVICE_MODULES)


def test_the_fleet_runs_every_service_of_the_workspace_in_pipeline_order() -> None:
    """A service folder whose package does not declare the `viralclip.services` entry point would never
    be started by `make up`, the demo or the tests: this names it."""
    workspace = {package.name: package.module for package in service_packages()}
    assert dict(SERVICE_MODULES) == workspace
    producers = dict.fromkeys(step.producer for lifecycle in LIFECYCLES for step in lifecycle.steps)
    assert list(SERVICE_MODULES)[: len(producers)] == list(producers), "batch-api first, then the workers"
