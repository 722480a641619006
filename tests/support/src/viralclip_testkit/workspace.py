"""The members and services of the workspace, found the way a contributor adds one: a folder under
`services/` whose package declares a console script of the folder's name and a settings class in its
`settings` module.

Deployment tests and the generators of the deployment's lists (`deploy/generate.py`,
`docs/asyncapi/generate.py`) read this instead of a list of their own, so a new service is deployed,
documented and checked everywhere (compose, the image, the AsyncAPI documents, the README's settings)
without editing them.
"""

import importlib
import inspect
import tomllib
from dataclasses import dataclass
from pathlib import Path

from viralclip_contracts import producer_order
from viralclip_runtime import ServiceSettings

REPO = Path(__file__).resolve().parents[4]


@dataclass(frozen=True)
class ServicePackage:
    """One deployable service: `services/<name>`, run by the console script `viralclip-<name>`."""

    name: str
    directory: Path
    module: str

    @property
    def command(self) -> str:
        return f"viralclip-{self.name}"

    @property
    def distribution(self) -> str:
        return f"viralclip-{self.name}"

    @property
    def settings_class(self) -> type[ServiceSettings]:
        """The `ServiceSettings` subclass defined in the service's `settings` module (exactly one)."""
        module = importlib.import_module(f"{self.module}.settings")
        defined = [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, ServiceSettings)
            and cls is not ServiceSettings
            and cls.__module__ == module.__name__
        ]
        if len(defined) != 1:
            raise LookupError(f"{module.__name__} must define one ServiceSettings subclass, found {defined}")
        return defined[0]


def workspace_members() -> tuple[Path, ...]:
    """Every member folder of the `uv` workspace (the root pyproject's `members` globs), in glob order."""
    root = tomllib.loads((REPO / "pyproject.toml").read_text())
    members = root["tool"]["uv"]["workspace"]["members"]
    return tuple(
        path
        for pattern in members
        for path in sorted(REPO.glob(pattern))
        if (path / "pyproject.toml").exists()
    )


def service_packages() -> tuple[ServicePackage, ...]:
    """Every folder of `services/` that is a service (libraries such as runtime or media are not), in the
    order the lifecycle tables name their producers (batch-api first), any other after them by name."""
    found = []
    for pyproject in sorted((REPO / "services").glob("*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text())["project"]
        name = pyproject.parent.name
        if f"viralclip-{name}" in project.get("scripts", {}):
            module = f"viralclip_{name.replace('-', '_')}"
            found.append(ServicePackage(name=name, directory=pyproject.parent, module=module))
    return tuple(sorted(found, key=lambda package: producer_order(package.name)))
