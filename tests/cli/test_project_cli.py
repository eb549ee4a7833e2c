"""`qcode init`, `status`, `db`, `--version`, `--help` and the error edge, in-process and as a script."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode import __version__
from qcode.cli.main import app

runner = CliRunner()


def _qcode_script() -> str:
    script = Path(sys.executable).with_name("qcode")
    found = str(script) if script.exists() else shutil.which("qcode")
    if found is None:
        pytest.skip("the qcode console script is not installed in this environment")
    return found


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"qcode {__version__}"


def test_init_then_status_counts_zero(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    result = runner.invoke(app, ["--db", str(db), "init"])
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    again = runner.invoke(app, ["--db", str(db), "init"])
    assert "already initialised" in again.output
    status = runner.invoke(app, ["--db", str(db), "status", "--json"])
    data = json.loads(status.output)
    assert {k: data[k] for k in ("documents", "segments", "codings", "memos")} == {
        "documents": 0,
        "segments": 0,
        "codings": 0,
        "memos": 0,
    }
    assert len(data["project_guid"]) == 36


def test_status_without_project_is_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(tmp_path / "none.db"), "status"])
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no qcode project here" in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "none.db").exists()


def test_non_database_file_is_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "thesis.docx"
    path.write_bytes(b"PK\x03\x04 not a database at all")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = runner.invoke(app, ["--db", str(path), "status"])
    assert result.exit_code != 0
    assert "not a qcode database" in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"]


def test_password_never_printed_on_connection_failure() -> None:
    url = "postgresql+psycopg://alice:hunter2@127.0.0.1:1/proj"
    result = runner.invoke(app, ["--db", url, "status"])
    assert result.exit_code == 3
    assert "hunter2" not in result.output and "hunter2" not in result.stderr
    assert "alice:***@127.0.0.1:1" in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--debug", "--db", str(tmp_path / "none.db"), "status"])
    assert result.exit_code != 0
    assert result.exception is not None


def test_db_current_and_upgrade(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    runner.invoke(app, ["--db", db, "init"])
    from qcode.store.probe import HEAD

    assert runner.invoke(app, ["--db", db, "db", "current"]).output.strip() == HEAD
    assert HEAD in runner.invoke(app, ["--db", db, "db", "upgrade"]).output


def test_installed_script_runs_init_and_status(tmp_path: Path) -> None:
    env = {**os.environ, "QCODE_DB": str(tmp_path / "s.db")}
    script = _qcode_script()
    subprocess.run([script, "init"], check=True, env=env, cwd=tmp_path, capture_output=True)
    out = subprocess.run(
        [script, "status"], check=True, env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert "documents" in out.stdout and "codings" in out.stdout
    bad = subprocess.run(
        [script, "--db", str(tmp_path / "missing.db"), "status"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 3
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("qcode: error:")


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "status", "db"):
        assert command in result.output


def test_db_current_changes_nothing_and_demo_fills_a_project(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    assert runner.invoke(app, ["--db", str(db), "db", "current"]).exit_code == 3
    assert not db.exists()
    result = runner.invoke(app, ["--db", str(db), "demo"])
    assert result.exit_code == 0, result.output
    assert "20 documents" in result.output and "22 codes" in result.output
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    from qcode.store.probe import HEAD

    assert runner.invoke(app, ["--db", str(db), "db", "current"]).output.strip() == HEAD
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    again = runner.invoke(app, ["--db", str(db), "demo"])
    assert "20 documents" in again.output
    status = json.loads(runner.invoke(app, ["--db", str(db), "status", "--json"]).output)
    assert status["documents"] == 20 and status["codes"] == 22
