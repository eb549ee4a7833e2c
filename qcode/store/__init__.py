"""Persistence: typed SQLAlchemy models, engines, migrations (no domain logic)."""
