"""The README's settings tables name every setting each service reads, and nothing else."""

import re
from pathlib import Path

import pytest
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from viralclip_testkit.workspace import service_packages

README = Path(__file__).resolve().parents[3] / "README.md"
SERVICES: tuple[type[BaseSettings], ...] = tuple(package.settings_class for package in service_packages())


def environment_names(settings: type[BaseSettings]) -> set[str]:
    """The variable each field is read from (its first alias, else the prefixed field name)."""
    prefix = settings.model_config.get("env_prefix", "")
    names = set()
    for field_name, field in settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.add(str(alias.choices[0]))
        elif isinstance(alias, str):
            names.add(alias)
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def documented_names() -> set[str]:
    """Variables in the first column of the README's tables."""
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", README.read_text(), flags=re.MULTILINE))


@pytest.mark.parametrize("settings", SERVICES, ids=lambda s: s.__name__)
def test_every_setting_of_a_service_is_in_the_readme(settings: type[BaseSettings]) -> None:
    missing = environment_names(settings) - documented_names()
    assert not missing, f"README.md lacks settings of {settings.__name__}: {sorted(missing)}"


def test_the_readme_names_no_setting_that_no_service_reads() -> None:
    read = set().union(*(environment_names(s) for s in SERVICES)) | {"VIRALCLIP_SECRETS_DIR"}
    unknown = documented_names() - read
    assert not unknown, f"README.md documents settings no service reads: {sorted(unknown)}"
