"""Fixtures: the fixed coding sample on each backend (reused from the coding tests)."""

from tests.coding.conftest import sample, session

__all__ = ["sample", "session"]
