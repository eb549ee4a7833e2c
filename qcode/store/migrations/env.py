"""Alembic environment: runs on the connection qcode hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from qcode.store import models  # noqa: F401 - registers the tables on Base.metadata
from qcode.store.base import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
