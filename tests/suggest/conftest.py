"""Fixtures: the demo project (built once per run, copied per test) and the reference coding in it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qcode.store.engine import transaction
from qcode.store.migrate import open_store

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo project as `qcode demo` makes it, with the reference coding imported (coder ``reference``)."""
    from qcode.exchange.codings_csv import import_codings_csv
    from qcode.project.service import create_demo

    path = tmp_path_factory.mktemp("demo") / "qcode.db"
    store = open_store(f"sqlite:///{path}", create=True)
    try:
        with transaction(store.sessions) as session:
            create_demo(session)
        with transaction(store.sessions) as session:
            import_codings_csv(session, REFERENCE / "codings.csv")
    finally:
        store.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the demo project for one test to change."""
    path = tmp_path / "qcode.db"
    shutil.copy(demo_template, path)
    return path
