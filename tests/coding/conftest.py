"""Fixtures: the fixed sample project on each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from qcode.store.migrate import Store
from tests.coding.sample import Sample, fill_sample


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    """A session on the sample project (committed, so the service sees real rows)."""
    with store.sessions() as s:
        yield s


@pytest.fixture
def sample(session: Session) -> Sample:
    """The sample project, committed."""
    with session.begin():
        result = fill_sample(session)
    return result
