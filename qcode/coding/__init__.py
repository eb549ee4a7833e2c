"""Coding: applying and removing codes, memos, session undo and the queries the TUI needs.

``types`` (plain dataclasses), ``history`` (undo/redo) and ``search`` (fuzzy matching) are pure;
``service`` takes a SQLAlchemy ``Session`` and never opens one; ``queries`` (plain SQL) runs on a
session or on a bare read-only ``sqlite3`` connection, so a front end can show its first screen
before SQLAlchemy has loaded.
"""
