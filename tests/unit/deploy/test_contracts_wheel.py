"""The contracts wheel other teams install: it carries the models, the JSON Schemas and only pydantic."""

import os
import shutil
import subprocess
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from viralclip_contracts import PIPELINE_TOPICS

REPO = Path(__file__).resolve().parents[3]


def find_uv() -> str | None:
    bootstrapped = REPO / ".bootstrap" / "bin" / "uv"  # where `make install` puts it
    return str(bootstrapped) if bootstrapped.exists() else shutil.which("uv")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    uv = find_uv()
    if uv is None:
        pytest.skip("uv is not installed (`make install` bootstraps it)")
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [uv, "build", "--package", "viralclip-contracts", "--wheel", "--out-dir", str(out)],
        cwd=REPO,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("viralclip_contracts-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_ships_the_committed_json_schema_of_every_topic(wheel: zipfile.ZipFile) -> None:
    for topic in PIPELINE_TOPICS:
        name = f"viralclip_contracts/schemas/{topic}.schema.json"
        assert wheel.read(name) == (REPO / "contracts" / "schemas" / f"{topic}.schema.json").read_bytes()


def test_the_wheel_ships_the_models_typed(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for module in ("__init__.py", "events.py", "topics.py", "values.py", "py.typed"):
        assert f"viralclip_contracts/{module}" in names


def test_the_wheel_depends_on_pydantic_only(wheel: zipfile.ZipFile) -> None:
    (metadata_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    metadata = Parser().parsestr(wheel.read(metadata_name).decode())
    requirements = metadata.get_all("Requires-Dist") or []
    assert [r.split(">")[0].split("<")[0].split("=")[0].strip() for r in requirements] == ["pydantic"]
