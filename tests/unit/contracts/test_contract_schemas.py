"""The committed JSON Schemas are the published contract: they must be fresh and evolve compatibly."""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from viralclip_contracts.schema_export import generated_schemas

REPO_ROOT = Path(__file__).resolve().parents[3]
SCHEMA_DIR = REPO_ROOT / "contracts" / "schemas"
GENERATED = generated_schemas()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_committed_schema_matches_the_models(name: str) -> None:
    committed = (SCHEMA_DIR / name).read_text()
    assert committed == GENERATED[name], (
        f"{name} is stale: run `python -m viralclip_contracts.schema_export` and commit the result"
    )


def breaking_changes(old: dict[str, Any], new: dict[str, Any], where: str = "") -> list[str]:
    """What a consumer built against `old` would trip over in `new`: removed or newly required
    fields, and removed enum values — through nested definitions."""
    problems: list[str] = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for field in old_props:
        if field not in new_props:
            problems.append(f"{where}{field}: removed")
    for field in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"{where}{field}: newly required")
    for value in set(old.get("enum", [])) - set(new.get("enum", [])):
        problems.append(f"{where}<enum>: value {value!r} removed")
    for field, old_prop in old_props.items():
        if field in new_props and isinstance(old_prop, dict):
            problems += breaking_changes(old_prop, new_props[field], f"{where}{field}.")
    for name, old_def in old.get("$defs", {}).items():
        new_def = new.get("$defs", {}).get(name)
        if new_def is None:
            problems.append(f"$defs.{name}: removed")
        else:
            problems += breaking_changes(old_def, new_def, f"{name}.")
    return problems


def committed_versions(name: str) -> list[tuple[str, dict[str, Any]]]:
    """Every version of a schema file in git history (empty outside a git checkout)."""
    path = f"contracts/schemas/{name}"
    try:
        commits = subprocess.run(
            ["git", "log", "--format=%H", "--", path],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        return [
            (
                commit[:8],
                json.loads(
                    subprocess.run(
                        ["git", "show", f"{commit}:{path}"],
                        cwd=REPO_ROOT,
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                ),
            )
            for commit in commits
        ]
    except (subprocess.CalledProcessError, FileNotFoundError):
        return []


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_schema_is_backward_compatible_with_every_committed_version(name: str) -> None:
    new = json.loads(GENERATED[name])
    versions = committed_versions(name) or [("working tree", json.loads((SCHEMA_DIR / name).read_text()))]
    for commit, old in versions:
        problems = breaking_changes(old, new)
        assert not problems, f"{name} breaks the contract of {commit}: {problems}"


def test_breaking_change_detector_flags_removed_and_newly_required_fields() -> None:
    old = {
        "properties": {"a": {}, "b": {}},
        "required": ["a"],
        "$defs": {"E": {"enum": ["x", "y"]}},
    }
    new = {
        "properties": {"a": {}, "c": {}},
        "required": ["a", "c"],
        "$defs": {"E": {"enum": ["x"]}},
    }
    assert sorted(breaking_changes(old, new)) == [
        "E.<enum>: value 'y' removed",
        "b: removed",
        "c: newly required",
    ]


def test_adding_an_optional_field_is_not_breaking() -> None:
    old = {"properties": {"a": {}}, "required": ["a"]}
    new = {"properties": {"a": {}, "b": {"default": None}}, "required": ["a"]}
    assert breaking_changes(old, new) == []


@pytest.mark.skipif(not (REPO_ROOT / ".git").exists(), reason="not a git checkout")
def test_the_compatibility_check_really_reads_the_committed_history() -> None:
    for name in GENERATED:
        assert committed_versions(name), f"no committed version of {name} found: the check would be empty"
