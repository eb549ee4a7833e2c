"""Fixtures for tests that run several processes on one project."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qcode.project.service import ensure_project
from qcode.store.migrate import Store
from tests.coding.sample import fill_sample


@pytest.fixture
def sqlite_project(sqlite_store: Store) -> Iterator[str]:
    """The sample project (three interviewees, a codebook tree) on SQLite, closed: its URL."""
    with sqlite_store.sessions() as s, s.begin():
        fill_sample(s, coders=())
        ensure_project(s)
    sqlite_store.close()
    yield sqlite_store.url
