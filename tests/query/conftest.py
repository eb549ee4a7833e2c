"""Fixtures: the small coded project of ``tests.export.sample``."""

from tests.export.conftest import seeded, seeded_sqlite

__all__ = ["seeded", "seeded_sqlite"]
