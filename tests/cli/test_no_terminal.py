"""Bare `qcode` without a terminal refuses at once; the demo fills only a new local project file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from qcode.cli.tui import prepare_project
from qcode.project.service import project_status
from qcode.store.migrate import Store
from tests.concurrency.procs import child_env, qcode_script


@pytest.mark.parametrize("args", [[], ["code", "--coder", "ann"]], ids=["bare", "code"])
def test_the_coding_screen_without_a_terminal_is_one_line_and_an_exit(
    tmp_path: Path, args: list[str]
) -> None:
    done = subprocess.run(
        [qcode_script(), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=child_env(),
        timeout=60,  # today it waits for keys that never come
        check=False,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs a terminal" in lines[0], done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no demo project made for a screen that cannot open


def test_a_new_local_file_becomes_the_demo_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = prepare_project(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with store.sessions() as session:
            status = project_status(session)
    finally:
        store.close()
    assert status.documents == 20 and status.codes > 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "created a demo project" in lines[0]
    assert f"{status.documents} documents" in lines[0] and str(tmp_path / "new.db") in lines[0]


def test_an_existing_database_without_a_project_gets_no_demo(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """A shared PostgreSQL database (or a SQLite file that exists) is opened empty, never filled."""
    with store.sessions() as session:
        assert project_status(session).project_guid == ""
    again = prepare_project(store.url)
    try:
        with again.sessions() as session:
            status = project_status(session)
    finally:
        again.close()
    assert (status.documents, status.codes, status.segments) == (0, 0, 0) and status.project_guid
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "held no qcode project; opened it empty" in lines[0]
    assert "qcode demo" in lines[0] and "password" not in lines[0]


def test_a_database_with_documents_but_no_project_row_is_not_called_empty(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """Documents written by other tools (or an older qcode) before any project identity: not "empty"."""
    from sqlalchemy import text

    with store.sessions() as session, session.begin():
        session.execute(
            text(
                "INSERT INTO documents (guid, name, title, source_path, content_hash, text, attributes,"
                " segmentation, created_at)"
                " VALUES ('d1', 'A', '', 'a.txt', 'h', 'Some text.', '{}', 'sentence', CURRENT_TIMESTAMP)"
            )
        )
    again = prepare_project(store.url)
    try:
        with again.sessions() as session:
            status = project_status(session)
    finally:
        again.close()
    assert status.documents == 1 and status.project_guid
    assert "opened it empty" not in capsys.readouterr().err
