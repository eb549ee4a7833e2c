"""Fixtures: the small coded project of ``sample`` on each backend, or on SQLite only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qcode.store.engine import transaction
from qcode.store.migrate import Store
from tests.export.sample import seed


@pytest.fixture
def seeded(store: Store) -> Iterator[Store]:
    """The small project on each backend."""
    with transaction(store.sessions) as session:
        seed(session)
    yield store


@pytest.fixture
def seeded_sqlite(sqlite_store: Store) -> Iterator[Store]:
    """The small project on SQLite only."""
    with transaction(sqlite_store.sessions) as session:
        seed(session)
    yield sqlite_store
