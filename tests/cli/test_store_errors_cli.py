"""A locked, damaged or foreign database, and database URLs: one line, non-zero, nothing printed twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.config import bundled_codebook
from qcode.store.migrate import Store
from tests.coding.sample import add_coding, fill_sample

runner = CliRunner()


def _one_line_error(result: Result, code: int = 3) -> str:
    assert result.exit_code == code, result.output
    stderr = result.stderr
    assert stderr.startswith("qcode: error: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in result.output
    return stderr


@pytest.fixture
def project(sqlite_store: Store) -> Path:
    """The sample project with a few codings, closed: its file."""
    with sqlite_store.sessions() as s, s.begin():
        sample = fill_sample(s)
        for ordinal in range(1, 5):
            add_coding(s, sample, "alice", "A", ordinal, "wages")
    sqlite_store.close()
    return Path(sqlite_store.url.removeprefix("sqlite:///"))


def test_a_write_beside_another_writer_waits_then_says_so(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcode.store import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    other = sqlite3.connect(project, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a teammate's import holds the lock
    try:
        result = runner.invoke(app, ["--db", str(project), "codebook", "load", str(bundled_codebook())])
        line = _one_line_error(result)
        assert "another process held the project's lock" in line and "nothing was written" in line
        status = runner.invoke(app, ["--db", str(project), "status"])  # reading never waits
        assert status.exit_code == 0 and "codings       4" in status.output
    finally:
        other.execute("ROLLBACK")
        other.close()


def _damage_table(path: Path, table: str) -> None:
    """Overwrite the pages of ``table`` and its indexes with junk (the schema page stays readable)."""
    with sqlite3.connect(path) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        rows = conn.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = ?", (table,))
        pages = [r[0] for r in rows]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with path.open("r+b") as fh:  # no connection is open: the test is the only process here
        for page in pages:
            fh.seek((page - 1) * size)
            fh.write(b"\xff" * size)


def test_a_damaged_database_is_one_line_for_every_command(project: Path) -> None:
    _damage_table(project, "codings")
    status = runner.invoke(app, ["--db", str(project), "status"])
    assert "damaged" in _one_line_error(status)
    upgrade = runner.invoke(app, ["--db", str(project), "db", "upgrade"])
    line = _one_line_error(upgrade)
    assert "damaged" in line and "database at schema" not in upgrade.output
    agreement = runner.invoke(app, ["--db", str(project), "agreement"])
    assert agreement.exit_code != 0 and "Traceback" not in agreement.output


def test_mysql_is_refused_in_one_line_without_its_password() -> None:
    result = runner.invoke(app, ["--db", "mysql://ann:s3cret@db.example.org/proj", "status"])
    line = _one_line_error(result)
    assert "SQLite (a file) or PostgreSQL, not mysql" in line and "s3cret" not in line


def test_a_password_in_the_query_is_never_printed() -> None:
    result = runner.invoke(app, ["--db", "postgresql://ann@127.0.0.1:1/proj?password=s3cret", "status"])
    line = _one_line_error(result)
    assert "s3cret" not in result.output and "password=***" in line


def test_postgres_scheme_is_accepted_and_init_hides_the_password(pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(pg_url)
    plain = f"postgres://{url.username}@{url.host}:{url.port}/{url.database}?password=s3cret"
    result = runner.invoke(app, ["--db", plain, "init"])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output and "password=***" in result.output
    assert runner.invoke(app, ["--db", plain, "status"]).exit_code == 0
