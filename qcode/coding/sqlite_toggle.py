"""A code toggled through the standard library's ``sqlite3``: the coding screen's hot write on SQLite.

Loading SQLAlchemy and the models takes longer than a coder takes to press the first key once the
screen is up (issue 16: a key pressed then waited about a quarter second for the store). So on a
SQLite project the coding screen toggles codes through a plain connection of its own
(:meth:`qcode.tui.access.ProjectAccess.sqlite_unit`: ``BEGIN IMMEDIATE``, foreign keys on, the same
busy timeout), with the statements of :func:`qcode.coding.service.toggle_coding` (one DELETE …
RETURNING and, when nothing was deleted, one INSERT, then the event) and the same rows: GUIDs,
timestamps as SQLAlchemy stores them on SQLite, the event's JSON payload
(:func:`coding_event`, shared with the service). ``tests/coding/test_sqlite_toggle.py`` compares
the two row for row. Standard library only.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any

from qcode.coding.roles import require_coder
from qcode.coding.types import CodeInfo, CoderRef, CodingOp, SegmentRef, SpanOp

__all__ = ["coding_event", "sqlite_stamp", "toggle_coding"]

#: How SQLAlchemy's SQLite ``DATETIME`` stores a timestamp (qcode's are all UTC).
_STAMP = "%Y-%m-%d %H:%M:%S.%f"
_DELETE = (
    "DELETE FROM codings WHERE coder_id = ? AND segment_id = ? AND code_id = ?"
    ' RETURNING guid, memo, start, "end"'
)
_INSERT = (
    "INSERT INTO codings (guid, coder_id, segment_id, code_id, memo, created_at) VALUES (?, ?, ?, ?, ?, ?)"
)
_EVENT = "INSERT INTO events (guid, at, actor, action, payload) VALUES (?, ?, ?, ?, ?)"


def coding_event(coder: CoderRef, op: CodingOp | SpanOp, via: str | None) -> tuple[str, dict[str, Any]]:
    """The event of one coding added, removed or narrowed: ``(action, payload)``, entities by GUID and
    name (a narrowing also says the span kept, ``None`` for the whole segment)."""
    payload: dict[str, Any] = {
        "coding": op.guid,
        "coder": coder.name,
        "code": op.code_key,
        "document": op.segment.document,
        "segment": op.segment.ordinal,
    }
    if isinstance(op, SpanOp):
        payload["start"], payload["end"] = op.after if op.after is not None else (None, None)
    if via:
        payload["via"] = via
    if isinstance(op, SpanOp):
        return "coding.narrow", payload
    return ("coding.add" if op.added else "coding.remove"), payload


def sqlite_stamp(moment: datetime | None = None) -> str:
    """A UTC timestamp as SQLAlchemy writes it to a SQLite ``DATETIME`` column (now, by default)."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)


def toggle_coding(
    conn: sqlite3.Connection, coder: CoderRef, segment: SegmentRef, code: CodeInfo, via: str | None = None
) -> CodingOp:
    """As :func:`qcode.coding.service.toggle_coding`, inside the caller's transaction on ``conn``.

    Raises:
        RoleError: ``coder`` is a consensus coder.
    """
    require_coder(coder)
    rows = conn.execute(_DELETE, (coder.id, segment.id, code.id)).fetchall()  # at most one (unique)
    now = sqlite_stamp()
    if rows:
        guid, memo, start, end = rows[0]
        span = None if start is None or end is None else (start, end)
        op = CodingOp(segment, code.id, code.key, False, guid, memo, span)  # undo brings the span back
    else:
        op = CodingOp(segment, code.id, code.key, True, str(uuid.uuid4()))
        conn.execute(_INSERT, (op.guid, coder.id, segment.id, code.id, None, now))
    action, payload = coding_event(coder, op, via)
    conn.execute(_EVENT, (str(uuid.uuid4()), now, coder.name, action, json.dumps(payload)))
    return op
