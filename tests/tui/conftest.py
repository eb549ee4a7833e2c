"""Fixtures for TUI tests: the fixed sample project on SQLite, and an app on it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qcode.store.migrate import Store
from tests.coding.sample import Sample, add_coding, fill_sample


@pytest.fixture
def project(sqlite_store: Store) -> Iterator[tuple[Store, Sample]]:
    """The sample project, with one earlier coding by bob (alice's screen must not show it)."""
    with sqlite_store.sessions() as s, s.begin():
        sample = fill_sample(s)
        add_coding(s, sample, "bob", "A", 1, "recruit")
    yield sqlite_store, sample


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the real ~/.config/qcode/coder, nor take a coder from the environment."""
    monkeypatch.setenv("QCODE_CODER_FILE", str(tmp_path_factory.mktemp("cfg") / "coder"))
    monkeypatch.delenv("QCODE_CODER", raising=False)
    monkeypatch.setenv("QCODE_SUGGEST", "0")  # off unless a test asks (the panel's own tests do)


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio (Textual's loop)."""
    return "asyncio"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project a newcomer gets (bundled corpus and codebook, nobody's codings), made once."""
    from qcode.project.service import create_demo
    from qcode.store.engine import transaction
    from qcode.store.migrate import open_store

    path = tmp_path_factory.mktemp("demo") / "qcode.db"
    store = open_store(f"sqlite:///{path}", create=True)
    try:
        with transaction(store.sessions) as session:
            create_demo(session)
    finally:
        store.close()
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the demo project, open."""
    from qcode.store.migrate import open_store

    path = tmp_path / "qcode.db"
    shutil.copy(demo_template, path)
    store = open_store(f"sqlite:///{path}")
    try:
        yield store
    finally:
        store.close()
