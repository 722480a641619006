"""deploy/compose/docker-compose.yml: valid Compose, and every service gets settings it really reads."""

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from pydantic import AliasChoices, SecretStr

from viralclip_runtime import ServiceSettings
from viralclip_scoring.settings import ScoringSettings
from viralclip_testkit.workspace import ServicePackage, service_packages

REPO = Path(__file__).resolve().parents[3]
COMPOSE_DIR = REPO / "deploy" / "compose"
COMPOSE_FILE = COMPOSE_DIR / "docker-compose.yml"
SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")

#: compose service → its package: every service of the workspace is deployed under its folder's name
SERVICES: dict[str, ServicePackage] = {package.name: package for package in service_packages()}
SCALABLE = ("scoring", "thumbnail", "render")
SECRET_VALUES = {"mongodb_uri": "mongodb://viralclip:s3cret-pw@mongodb:27017/?authSource=admin"}
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?P<default>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(loaded, dict)
    return loaded


def settings_class(service: str) -> type[ServiceSettings]:
    return SERVICES[service].settings_class


def env_names(cls: type[ServiceSettings]) -> dict[str, str]:
    """Every environment variable `cls` reads (upper-case) → the field it sets."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    names = {"VIRALCLIP_SECRETS_DIR": "<secrets dir>"}
    for field_name, field in cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update({choice.upper(): field_name for choice in alias.choices if isinstance(choice, str)})
        elif isinstance(alias, str):
            names[alias.upper()] = field_name
        else:
            names[f"{prefix}{field_name}".upper()] = field_name
    return names


def with_defaults(value: object) -> str:
    """A compose value as it is with no `.env`: `${VAR:-default}` → default."""
    return _VARIABLE.sub(lambda match: match["default"] or "", str(value))


def service_environment(compose: dict[str, Any], service: str) -> dict[str, str]:
    environment = compose["services"][service].get("environment", {})
    assert isinstance(environment, dict), f"{service}: write environment as a mapping"
    return {name: with_defaults(value) for name, value in environment.items()}


def test_compose_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text()))
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []


def test_the_schema_rejects_what_compose_rejects() -> None:
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text()))
    assert not validator.is_valid({"services": {"api": {"image": "x", "depend_on": ["db"]}}})
    assert not validator.is_valid({"services": {"api": {"image": "x", "depends_on": {"db": {}}}}})


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_variable_a_service_gets_is_a_setting_it_reads(compose: dict[str, Any], service: str) -> None:
    known = env_names(settings_class(service))
    unknown = sorted(set(service_environment(compose, service)) - set(known))
    assert unknown == [], f"{service} does not read {unknown}"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_secret_a_service_mounts_is_a_setting_it_reads(compose: dict[str, Any], service: str) -> None:
    known = {name.lower() for name in env_names(settings_class(service))}
    secrets = compose["services"][service].get("secrets", [])
    assert "mongodb_uri" in secrets, f"{service} needs the MongoDB connection string"
    assert sorted(set(secrets) - known) == []
    assert set(secrets) <= set(compose["secrets"])


def load_as_compose_would(
    compose: dict[str, Any],
    service: str,
    secrets_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    secret_values: dict[str, str],
) -> ServiceSettings:
    """The service's settings read from its compose environment (no `.env`) and its secret files."""
    cls = settings_class(service)
    for name in env_names(cls):
        monkeypatch.delenv(name, raising=False)
    for name, value in service_environment(compose, service).items():
        monkeypatch.setenv(name, value)
    for name in compose["services"][service].get("secrets", []):
        (secrets_dir / name).write_text(secret_values.get(name, f"{name}-value-long-enough-0123456789"))
    monkeypatch.setenv("VIRALCLIP_SECRETS_DIR", str(secrets_dir))
    return cls.load()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_settings_load_from_the_compose_environment_and_secret_files(
    compose: dict[str, Any], service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_as_compose_would(compose, service, tmp_path, monkeypatch, SECRET_VALUES)

    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.http_host == "0.0.0.0"
    known = env_names(settings_class(service))
    for name in compose["services"][service].get("secrets", []):
        value = getattr(settings, known[name.upper()])
        read = value.get_secret_value() if isinstance(value, SecretStr) else value
        assert read == (tmp_path / name).read_text(), f"{service} did not read the secret file {name}"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_compose_defaults_are_the_settings_own_defaults(
    compose: dict[str, Any], service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`${VAR:-default}` only makes the default visible in .env.example; it must not change it."""
    cls = settings_class(service)
    known = env_names(cls)
    settings = load_as_compose_would(compose, service, tmp_path, monkeypatch, SECRET_VALUES)
    raw = compose["services"][service]["environment"]
    for name, value in raw.items():
        if not _VARIABLE.fullmatch(str(value)):
            continue
        field_name = known[name]
        default = cls.model_fields[field_name].get_default(call_default_factory=True)
        actual = getattr(settings, field_name)
        assert actual == default or (default is None and actual == ""), f"{service}: {name}"


def test_an_empty_openai_key_file_selects_the_offline_scorer(
    compose: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = {**SECRET_VALUES, "openai_api_key": ""}  # what make-secrets.sh writes without OPENAI_API_KEY
    settings = load_as_compose_would(compose, "scoring", tmp_path, monkeypatch, values)
    assert isinstance(settings, ScoringSettings)
    assert settings.provider == "heuristic"
    values["openai_api_key"] = "sk-compose-test-key"
    settings = load_as_compose_would(compose, "scoring", tmp_path, monkeypatch, values)
    assert isinstance(settings, ScoringSettings)
    assert settings.provider == "openai"


def test_the_image_runs_each_service_by_its_console_script(compose: dict[str, Any]) -> None:
    image = compose["services"]["batch-api"]["image"]
    deployed = {name for name, definition in compose["services"].items() if definition.get("image") == image}
    assert deployed - {"kafka-init"} == set(SERVICES), "every service of the workspace, and nothing else"
    for service, package in SERVICES.items():
        definition = compose["services"][service]
        assert definition["command"] == [package.command]
        assert definition["build"] == {"context": "../..", "dockerfile": "deploy/docker/Dockerfile"}


def test_workers_scale_without_fixed_names_or_host_ports(compose: dict[str, Any]) -> None:
    for service in SCALABLE:
        definition = compose["services"][service]
        assert "container_name" not in definition
        assert "ports" not in definition


def test_services_start_after_healthy_dependencies_and_created_topics(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert "controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]
    assert services["mongodb"]["image"].startswith("mongo:8")
    for infrastructure in ("kafka", "mongodb"):
        assert services[infrastructure]["healthcheck"]["test"]
    for service in SERVICES:
        assert services[service]["depends_on"] == {
            "kafka": {"condition": "service_healthy"},
            "kafka-init": {"condition": "service_completed_successfully"},
            "mongodb": {"condition": "service_healthy"},
        }
        assert "/readyz" in " ".join(services[service]["healthcheck"]["test"])


def test_topics_are_created_from_the_lifecycle_tables_by_the_services_image(compose: dict[str, Any]) -> None:
    init = compose["services"]["kafka-init"]
    assert init["command"] == ["viralclip-topics"]
    assert (init["image"], init["build"]) == (
        compose["services"]["batch-api"]["image"],
        compose["services"]["batch-api"]["build"],
    )
    runtime = tomllib.loads((REPO / "services" / "runtime" / "pyproject.toml").read_text())["project"]
    assert runtime["scripts"]["viralclip-topics"] == "viralclip_runtime.topics_cli:main"
    assert init["depends_on"] == {"kafka": {"condition": "service_healthy"}}
    assert init["restart"] == "no"
    environment = {name: with_defaults(value) for name, value in init["environment"].items()}
    assert environment["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert int(environment["VIRALCLIP_TOPIC_PARTITIONS"]) >= 2, "one partition allows one replica per service"
    assert environment["VIRALCLIP_TOPIC_PARTITIONS"] == with_defaults(
        compose["services"]["kafka"]["environment"]["KAFKA_NUM_PARTITIONS"]
    )


def test_services_share_the_media_volume_at_their_media_root(compose: dict[str, Any]) -> None:
    assert "media" in compose["volumes"]
    for service in SERVICES:
        media_root = service_environment(compose, service)["VIRALCLIP_MEDIA_ROOT"]
        assert f"media:{media_root}" in compose["services"][service]["volumes"]


def test_every_interpolated_variable_is_in_the_env_example() -> None:
    used = {match["name"] for match in _VARIABLE.finditer(COMPOSE_FILE.read_text())}
    example = (COMPOSE_DIR / ".env.example").read_text()
    documented = {line.split("=", 1)[0] for line in example.splitlines() if re.match(r"^[A-Z_]+=", line)}
    assert sorted(used - documented) == []


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_docker_compose_config_accepts_the_file() -> None:
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    result = subprocess.run(
        [*command, "--project-directory", str(COMPOSE_DIR), "-f", str(COMPOSE_FILE), "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
