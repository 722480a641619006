"""deploy/generate.py: the Dockerfile and the compose file list every member and service of the workspace."""

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from viralclip_testkit.workspace import ServicePackage, service_packages

REPO = Path(__file__).resolve().parents[3]
GENERATOR = REPO / "deploy" / "generate.py"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_generate", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_deployment_files_are_what_make_deploy_files_writes() -> None:
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_the_dockerfile_block_is_rewritten_whole_between_its_markers() -> None:
    deploy = generator()
    stale = deploy.DOCKERFILE.read_text().replace("--package viralclip-scoring ", "")
    block = deploy.dockerfile_block(deploy.workspace_members(), service_packages())
    assert deploy.with_dockerfile_block(stale, block) == deploy.DOCKERFILE.read_text()


def test_a_service_without_a_compose_block_gets_the_default_one_in_pipeline_order() -> None:
    deploy = generator()
    text = deploy.COMPOSE_FILE.read_text()
    without = text.replace(
        '  windowing:\n    <<: *viralclip-service\n    command: ["viralclip-windowing"]\n'
        "    environment:\n      <<: *viralclip-env\n    secrets:\n      - mongodb_uri\n\n",
        "",
    )
    assert without != text, "the windowing block is the default one"

    restored, gone = deploy.with_compose_blocks(without, service_packages())

    assert (restored, gone) == (text, [])


def test_a_new_last_service_is_appended_and_a_gone_one_is_named() -> None:
    deploy = generator()
    text = deploy.COMPOSE_FILE.read_text()
    *kept, last = service_packages()
    new = ServicePackage(name="example-new", directory=REPO, module="viralclip_example_new")
    assert new.name not in yaml.safe_load(text)["services"]

    written, gone = deploy.with_compose_blocks(text, [*kept, new])

    compose: dict[str, Any] = yaml.safe_load(written)
    assert gone == [last.name]
    assert list(compose["services"])[-2:] == [last.name, new.name]
    block, default = compose["services"][new.name], compose["services"]["windowing"]
    assert block["command"] == ["viralclip-example-new"]
    assert block["secrets"] == ["mongodb_uri"]
    assert (block["environment"], block["healthcheck"]) == (default["environment"], default["healthcheck"])
    assert deploy.with_compose_blocks(written, [*kept, new]) == (written, [last.name]), "idempotent"
