"""deploy/docker/Dockerfile: what `docker build` would trip over, checked without a Docker engine."""

import re
from pathlib import Path

from viralclip_testkit.workspace import service_packages, workspace_members

REPO = Path(__file__).resolve().parents[3]
DOCKERFILE = (REPO / "deploy" / "docker" / "Dockerfile").read_text()
DOCKERIGNORE = (REPO / ".dockerignore").read_text().splitlines()
SERVICES = service_packages()


def stages() -> list[str]:
    """The Dockerfile's stages, each from its FROM line to the next."""
    return re.split(r"(?m)^FROM ", DOCKERFILE)[1:]


def copied_sources(stage: str) -> list[str]:
    return [
        source
        for line in re.findall(r"(?m)^COPY (?!--from)(.+)$", stage)
        for source in line.split()[:-1]
        if not source.startswith("--")
    ]


def test_every_workspace_member_pyproject_reaches_the_build_for_the_frozen_lock() -> None:
    copied = set(copied_sources(stages()[0]))
    missing = [
        f"{member.relative_to(REPO)}/pyproject.toml"
        for member in workspace_members()
        if f"{member.relative_to(REPO)}/pyproject.toml" not in copied
    ]
    assert missing == []
    assert {"pyproject.toml", "uv.lock"} <= copied


def test_dockerignore_lets_every_copied_path_into_the_build_context() -> None:
    included = [line[1:].rstrip("/") for line in DOCKERIGNORE if line.startswith("!")]
    assert DOCKERIGNORE.count("*") == 1, "the context is an allow-list"
    for source in copied_sources(stages()[0]):
        path = source.rstrip("/")
        assert any(path == allowed or path.startswith(f"{allowed}/") for allowed in included), path


def test_the_image_installs_every_service_from_the_lock_without_dev_tools() -> None:
    build = stages()[0]
    packages = re.findall(r"--package (viralclip-[a-z-]+)", build)
    assert sorted(packages) == sorted(service.distribution for service in SERVICES)
    syncs = re.findall(r"(?m)^RUN uv sync (.+)$", build)
    assert syncs, "the build installs with uv sync"
    for options in syncs:
        assert "--frozen" in options
        assert "--no-dev" in options
    assert "--no-editable" in syncs[-1], "the runtime stage copies the environment, not the sources"


def test_the_runtime_stage_has_ffmpeg_and_runs_as_a_non_root_user() -> None:
    runtime = stages()[-1]
    assert re.search(r"apt-get install [^\n]*\bffmpeg\b", runtime)
    user = re.findall(r"(?m)^USER (\S+)", runtime)
    assert user, "the runtime stage sets a USER"
    assert user[-1].split(":")[0] not in {"root", "0"}
    assert "COPY --from=build /opt/viralclip /opt/viralclip" in runtime
    assert "VIRALCLIP_MEDIA_ROOT=/var/lib/viralclip/media" in runtime
