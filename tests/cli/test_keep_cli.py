"""`qcode check`, `backup` and `restore` from the command line, on both backends and across them."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.store.migrate import Store
from tests.coding.sample import add_coding, fill_sample

runner = CliRunner()


def _run(db: str, *args: str) -> Result:
    return runner.invoke(app, ["--db", db, *args])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_CODINGS = text(
    "SELECT d.name, s.ordinal, c.key, k.guid FROM codings k JOIN segments s ON s.id = k.segment_id"
    " JOIN documents d ON d.id = s.document_id JOIN codes c ON c.id = k.code_id ORDER BY k.guid"
)


def _codings(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(_CODINGS)]
    finally:
        engine.dispose()


@pytest.fixture
def filled(store: Store) -> str:
    """The sample project with codings on the test's backend; its URL (store closed)."""
    with store.sessions() as s, s.begin():
        sample = fill_sample(s)
        for ordinal in (1, 2, 3):
            add_coding(s, sample, "alice", "A", ordinal, "wages")
        add_coding(s, sample, "bob", "B", 1, "confine")
    store.close()
    return store.url


def test_check_passes_a_sound_project(filled: str) -> None:
    result = _run(filled, "check")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 3 documents, 14 segments, 4 codings")


def test_check_fails_with_one_line_per_problem(filled: str) -> None:
    engine = create_engine(filled)
    with engine.begin() as conn:
        conn.execute(text("UPDATE segments SET text = 'x' WHERE ordinal = 1"))
    engine.dispose()
    result = _run(filled, "check")
    assert result.exit_code == 6
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4 and all("segment span" in line for line in lines[:3])
    assert lines[-1].startswith("qcode: error:") and "3 problems found" in lines[-1]


def test_backup_then_restore_into_a_new_project_round_trips(filled: str, tmp_path: Path) -> None:
    copy = tmp_path / "backup.qcode"
    done = _run(filled, "backup", str(copy))
    assert done.exit_code == 0, done.output
    assert "3 documents, 14 segments, 4 codings" in done.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("backup")) == ["backup.qcode"]
    before = _digest(copy)
    fresh = str(tmp_path / "restored.db")
    restored = _run(fresh, "restore", str(copy))
    assert restored.exit_code == 0, restored.output
    assert _codings(fresh) == _codings(filled)
    assert _run(fresh, "check").exit_code == 0
    assert _digest(copy) == before  # the backup is only read


def test_restore_refuses_a_project_that_holds_something(filled: str, tmp_path: Path) -> None:
    copy = tmp_path / "b.qcode"
    assert _run(filled, "backup", str(copy)).exit_code == 0
    engine = create_engine(filled)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM codings WHERE segment_id = (SELECT min(segment_id) FROM codings)"))
    engine.dispose()
    after_edit = _codings(filled)
    refused = _run(filled, "restore", str(copy))
    assert refused.exit_code == 4 and "--force" in refused.stderr and refused.stderr.count("\n") == 1
    assert _codings(filled) == after_edit
    forced = _run(filled, "restore", str(copy), "--force")
    assert forced.exit_code == 0, forced.output
    assert len(_codings(filled)) == 4 and _run(filled, "check").exit_code == 0


def test_a_sqlite_backup_restores_into_postgresql(pg_url: str, sqlite_store: Store, tmp_path: Path) -> None:
    with sqlite_store.sessions() as s, s.begin():
        sample = fill_sample(s)
        add_coding(s, sample, "alice", "A", 1, "wages")
    sqlite_store.close()
    copy = tmp_path / "from-sqlite.qcode"
    assert _run(sqlite_store.url, "backup", str(copy)).exit_code == 0
    restored = _run(pg_url, "restore", str(copy), "--force")
    assert restored.exit_code == 0, restored.output
    assert _codings(pg_url) == _codings(sqlite_store.url)
    assert _run(pg_url, "check").exit_code == 0
    more = _run(pg_url, "codings", "import", str(_one_row_csv(tmp_path)))  # sequences follow the rows
    assert more.exit_code == 0, more.output


def _one_row_csv(folder: Path) -> Path:
    path = folder / "one.csv"
    path.write_text("document,segment,code,coder\nB,2,debt,carol\n", encoding="utf-8")
    return path


def test_backup_refuses_to_overwrite_and_to_copy_onto_the_project(filled: str, tmp_path: Path) -> None:
    taken = tmp_path / "taken.qcode"
    taken.write_text("my thesis\n")
    refused = _run(filled, "backup", str(taken))
    assert refused.exit_code == 4 and taken.read_text() == "my thesis\n"
    if filled.startswith("sqlite"):
        itself = _run(filled, "backup", filled.removeprefix("sqlite:///"), "--force")
        assert itself.exit_code == 4 and "the project itself" in itself.stderr


def test_restore_refuses_what_is_not_a_backup(filled: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")
    result = _run(filled, "restore", str(notes), "--force")
    assert result.exit_code in (2, 3) and result.stderr.count("\n") == 1
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert _run(filled, "restore", str(foreign), "--force").exit_code != 0
    assert len(_codings(filled)) == 4
