"""Fixtures for TUI tests: the fixed sample project on SQLite, and an app on it."""

from __future__ import annotations

from collections.abc import Iterator

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
