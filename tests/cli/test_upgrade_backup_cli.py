"""`qcode db upgrade` copies the project before it changes it: proven by running the command."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.store.probe import HEAD, probe_sqlite
from tests.store.test_migration_0002 import _fill_0001

runner = CliRunner()


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        tables = [r[0] for r in names]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def _old_project(tmp_path: Path) -> Path:
    db = tmp_path / "qcode.db"
    engine = create_engine(f"sqlite:///{db}")
    _fill_0001(engine)
    engine.dispose()
    return db


def test_upgrade_leaves_a_copy_of_the_old_project_beside_it(tmp_path: Path) -> None:
    db = _old_project(tmp_path)
    before = _rows(db)
    result = runner.invoke(app, ["--db", str(db), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"database at schema {HEAD}"
    copies = sorted(tmp_path.glob("qcode.db.0001.*.bak"))
    assert len(copies) == 1
    assert probe_sqlite(copies[0]) == "0001" and _rows(copies[0]) == before
    assert probe_sqlite(db) == HEAD
    assert runner.invoke(app, ["--db", str(db), "check"]).exit_code == 0


def test_upgrade_of_a_damaged_old_project_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    db = _old_project(tmp_path)
    with sqlite3.connect(db) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'segments'").fetchone()[0]
    with db.open("r+b") as fh:  # nothing has the file open
        fh.seek((page - 1) * size)
        fh.write(b"\x00\xff" * (size // 2))
    result = runner.invoke(app, ["--db", str(db), "db", "upgrade"])
    assert result.exit_code == 3 and "damaged" in result.stderr and result.stderr.count("\n") == 1
    assert "database at schema" not in result.output
    assert list(tmp_path.glob("*.bak")) == [] and probe_sqlite(db) == "0001"
