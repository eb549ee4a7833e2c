"""`qcode check`: the database's own integrity plus qcode's invariants, one line per problem.

Read-only: every query runs in the caller's (read-only) session. The invariants are those the rest
of qcode relies on: spans inside their text, rows that belong together agreeing, at most one memo
per coder and target, and an event log that explains the codings and memos it recorded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

#: Problems reported per kind (the count of the rest is said).
LIMIT = 20
#: Events that add codings or memos in bulk without one event each (they never remove one).
_ADDING = frozenset({"codings.import", "qdpx.import", "document.import", "coder.add", "project.init"})
_PER_CHANGE = frozenset({"coding.add", "coding.remove", "memo.set", "memo.delete"})
#: Events that change a coding in place (its span) without adding or removing one.
_IN_PLACE = frozenset({"coding.narrow"})


@dataclass(frozen=True)
class CheckReport:
    """What was checked and every problem found (empty: the project is sound)."""

    counts: dict[str, int]
    problems: list[str]


def _sqlite_integrity(session: Session) -> list[str]:
    rows = [str(r[0]) for r in session.execute(text(f"PRAGMA integrity_check({LIMIT})"))]
    problems = [] if rows == ["ok"] else [f"integrity: {' '.join(r.split())}" for r in rows]
    for table, rowid, parent, _ in session.execute(text("PRAGMA foreign_key_check")).all()[:LIMIT]:
        problems.append(f"orphan: {table} row {rowid} points to a missing {parent} row")
    return problems


_SQL_CHECKS: tuple[tuple[str, str], ...] = (
    (
        "segment span",
        'SELECT d.name, s.ordinal, s.start, s."end", length(d.text) FROM segments s'
        " JOIN documents d ON d.id = s.document_id"
        ' WHERE s.start < 0 OR s."end" > length(d.text) OR s.start >= s."end"'
        ' OR substr(d.text, s.start + 1, s."end" - s.start) <> s.text',
    ),
    (
        "passage span",
        'SELECT d.name, p.ordinal, p.start, p."end", length(d.text) FROM passages p'
        ' JOIN documents d ON d.id = p.document_id WHERE p.start < 0 OR p."end" > length(d.text)',
    ),
    (
        "segment outside its passage",
        'SELECT d.name, s.ordinal, p.ordinal, s.start, s."end" FROM segments s'
        " JOIN passages p ON p.id = s.passage_id JOIN documents d ON d.id = s.document_id"
        ' WHERE p.document_id <> s.document_id OR s.start < p.start OR s."end" > p."end"',
    ),
    (
        "coding span outside its segment",
        'SELECT k.guid, s.start, s."end", k.start, k."end" FROM codings k'
        " JOIN segments s ON s.id = k.segment_id"
        ' WHERE k.start IS NOT NULL AND (k.start < s.start OR k."end" > s."end")',
    ),
    (
        "several memos on one target",
        "SELECT coder_id, segment_id, document_id, code_id, count(*) FROM memos"
        " GROUP BY coder_id, segment_id, document_id, code_id HAVING count(*) > 1",
    ),
    (
        "memo without exactly one target",
        "SELECT guid FROM memos WHERE (CASE WHEN segment_id IS NULL THEN 0 ELSE 1 END)"
        " + (CASE WHEN document_id IS NULL THEN 0 ELSE 1 END)"
        " + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END) <> 1",
    ),
    (
        "code whose parent is missing",
        "SELECT c.key FROM codes c LEFT JOIN codes p ON p.id = c.parent_id"
        " WHERE c.parent_id IS NOT NULL AND p.id IS NULL",
    ),
)


def _invariants(session: Session) -> list[str]:
    problems: list[str] = []
    for what, sql in _SQL_CHECKS:
        rows = session.execute(text(sql)).all()
        problems += [f"{what}: {', '.join(str(v) for v in row)}" for row in rows[:LIMIT]]
        if len(rows) > LIMIT:
            problems.append(f"{what}: {len(rows) - LIMIT} more")
    return problems


def _payload(raw: Any) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else dict(raw)
    return loaded


def _last_events(session: Session) -> tuple[dict[str, tuple[int, str, dict[str, Any]]], int]:
    """The latest per-change event of every coding and memo GUID, and the id of the latest event
    that may have removed codings or memos wholesale (a codebook change, a re-import, a merge…)."""
    last: dict[str, tuple[int, str, dict[str, Any]]] = {}
    sweeping = 0
    rows = session.execute(text("SELECT id, action, payload FROM events ORDER BY id"))
    for event_id, action, raw in rows.yield_per(5000):
        if action in _PER_CHANGE:
            payload = _payload(raw)
            guid = payload.get("coding") or payload.get("memo")
            if guid:
                last[str(guid)] = (event_id, action, payload)
        elif action not in _ADDING and action not in _IN_PLACE:
            sweeping = event_id
    return last, sweeping


def _stored(session: Session) -> Iterator[tuple[str, str, str | None]]:
    for (guid,) in session.execute(text("SELECT guid FROM codings")):
        yield "coding", str(guid), None
    for guid, body in session.execute(text("SELECT guid, text FROM memos")):
        yield "memo", str(guid), str(body)


def _event_log(session: Session) -> list[str]:
    """Codings and memos against what their own events last said about them."""
    last, sweeping = _last_events(session)
    problems: list[str] = []
    seen: set[str] = set()
    for kind, guid, body in _stored(session):
        seen.add(guid)
        event = last.get(guid)
        if event is None:
            continue  # came in bulk (an import) or before the event log said more
        event_id, action, payload = event
        if action in ("coding.remove", "memo.delete") and event_id > sweeping:
            problems.append(f"event log: {kind} {guid} was removed (event {event_id}) but is still there")
        elif kind == "memo" and action == "memo.set" and payload.get("text") != body and event_id > sweeping:
            problems.append(f"event log: memo {guid} differs from the text its last event ({event_id}) set")
    for guid, (event_id, action, payload) in last.items():
        if guid in seen or event_id < sweeping or action not in ("coding.add", "memo.set"):
            continue
        where = f"{payload.get('document')} segment {payload.get('segment')}, coder {payload.get('coder')}"
        what = action.split(".")[0]
        problems.append(f"event log: {what} {guid} ({where}) was recorded (event {event_id}) but is missing")
    return problems[:LIMIT] + ([f"event log: {len(problems) - LIMIT} more"] if len(problems) > LIMIT else [])


def check_project(session: Session) -> CheckReport:
    """Run every check in ``session`` (read-only); the counts say what was looked at."""
    problems = _sqlite_integrity(session) if session.get_bind().dialect.name == "sqlite" else []
    if any(p.startswith("integrity:") for p in problems):
        return CheckReport({}, problems)  # a damaged file: the other checks would only fail on it
    problems += _invariants(session)
    problems += _event_log(session)
    counts = {
        table: int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
        for table in ("documents", "segments", "codings", "memos", "events")
    }
    return CheckReport(counts, problems)
