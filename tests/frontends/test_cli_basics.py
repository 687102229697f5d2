"""The CLI skeleton: version, db init, and the one error boundary."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from movierec import __version__
from movierec.db import migrations
from movierec_cli.app import app

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("MOVIEREC_DATA_DIR", str(folder))
    monkeypatch.setenv("MOVIEREC_CONFIG_DIR", str(tmp_path / "config"))
    return folder


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"movierec {__version__}"


def test_db_init_creates_the_sqlite_database(data_dir: Path) -> None:
    result = runner.invoke(app, ["db", "init", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    shipped = sorted(p.stem for p in Path(migrations.__file__).parent.glob("0*.py"))
    assert report["applied"] == shipped
    assert shipped[0] == "0001_initial"
    with sqlite3.connect(data_dir / "movierec.sqlite3") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"users", "favorites", "movies", "login_sessions", "login_locks"} <= tables


def test_db_init_twice_applies_nothing_the_second_time(data_dir: Path) -> None:
    assert runner.invoke(app, ["db", "init"]).exit_code == 0
    result = runner.invoke(app, ["db", "init", "--json"])
    assert json.loads(result.stdout)["applied"] == []
    status = runner.invoke(app, ["db", "status", "--json"])
    assert json.loads(status.stdout) == {"pending": []}


def test_a_bad_setting_is_one_red_line_and_exit_78(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOVIEREC_REDIS_URL", "http://nope")
    result = runner.invoke(app, ["db", "init"])
    assert result.exit_code == 78
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "MOVIEREC_REDIS_URL" in lines[0]
    assert "Traceback" not in result.output


def test_an_unreachable_database_exits_9_without_a_traceback(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOVIEREC_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
    result = runner.invoke(app, ["db", "init"])
    assert result.exit_code == 9
    assert "cannot open the database" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_a_cert_without_a_key(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    result = runner.invoke(app, ["serve", "--cert", str(cert)])
    assert result.exit_code == 2
    assert "--cert and --key go together" in result.output
