"""Coding: applying and removing codes, memos, session undo and the queries the TUI needs.

``types`` (plain dataclasses), ``history`` (undo/redo) and ``search`` (fuzzy matching) are pure;
``service`` and ``queries`` take a SQLAlchemy ``Session`` and never open one.
"""
