"""`qcode log`: the event history, filtered by coder and time, each event said as a sentence.

Reading is one query (the coder filter looks at the actor and at the payload's ``coder``, which
SQLAlchemy's JSON operators compile for SQLite and PostgreSQL alike); :func:`describe` and
:func:`parse_since` are pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from qcode.errors import InputError
from qcode.store.models import Event
from qcode.text import plural

_AGO = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class LogEntry:
    """One event: when, who, what (as recorded), and the sentence that says it."""

    guid: str
    at: datetime
    actor: str
    action: str
    payload: Mapping[str, Any]
    text: str


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """A time from ``2024-05-01``, ``2024-05-01T14:30`` (UTC unless an offset is given), or an age:
    ``3d``, ``12h``, ``30m``, ``2w`` ago.

    Raises:
        InputError: none of those forms.
    """
    now = now or datetime.now(UTC)
    text = value.strip().lower()
    ago = _AGO.match(text)
    if ago:
        return now - timedelta(**{_UNITS[ago.group(2)]: int(ago.group(1))})
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            f"--since {value!r}: give a date (2024-05-01), a time (2024-05-01T14:30) or an age (3d, 12h, 30m)"
        ) from None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def read_log(
    session: Session, *, coder: str | None = None, since: datetime | None = None, limit: int | None = None
) -> list[LogEntry]:
    """Events oldest first (the newest ``limit`` of them), optionally by or about one coder, since a time."""
    stmt = select(Event.guid, Event.at, Event.actor, Event.action, Event.payload)
    if coder is not None:
        stmt = stmt.where(or_(Event.actor == coder, Event.payload["coder"].as_string() == coder))
    if since is not None:
        stmt = stmt.where(Event.at >= since)
    stmt = stmt.order_by(Event.at.desc(), Event.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = list(session.execute(stmt))
    rows.reverse()
    return [
        LogEntry(g, at, actor, action, p or {}, describe(action, p or {})) for g, at, actor, action, p in rows
    ]


def _at(p: Mapping[str, Any]) -> str:
    return f"{p.get('document', '?')} #{p.get('segment', '?')}"


def _via(p: Mapping[str, Any]) -> str:
    return f" ({p['via']})" if p.get("via") else ""


def _merge(p: Mapping[str, Any]) -> str:
    coders = p.get("coders") or {}
    parts = [
        f"{name} +{c.get('codings_added', 0)}/-{c.get('codings_removed', 0)}"
        for name, c in coders.items()
        if isinstance(c, dict)
    ]
    return f"merged {p.get('kind', '')} {p.get('source', '?')}: {', '.join(parts) or 'coders unchanged'}"


_SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "coding.add": lambda p: f"applied {p.get('code')} to {_at(p)}{_via(p)}",
    "coding.remove": lambda p: f"removed {p.get('code')} from {_at(p)}{_via(p)}",
    "coding.narrow": lambda p: (
        f"narrowed {p.get('code')} on {_at(p)} to characters {p.get('start')}–{p.get('end')}{_via(p)}"
        if p.get("start") is not None
        else f"widened {p.get('code')} on {_at(p)} to the whole segment{_via(p)}"
    ),
    "memo.set": lambda p: f"memo on {_at(p)}: {str(p.get('text', ''))[:60]!r}{_via(p)}",
    "memo.delete": lambda p: f"deleted the memo on {_at(p)}{_via(p)}",
    "coder.add": lambda p: f"registered {p.get('role', 'coder')} {p.get('name')}",
    "codings.import": lambda p: f"imported {plural(p.get('added', 0), 'coding')} from {p.get('file')}",
    "document.import": lambda p: f"imported document {p.get('document')}",
    "document.replace": lambda p: f"replaced document {p.get('document')}",
    "codebook.load": lambda p: f"loaded codebook {p.get('name', '')} {p.get('version', '')}".rstrip(),
    "codebook.rename": lambda p: f"renamed code {p.get('name')} to {p.get('to')}",
    "codebook.merge": lambda p: f"merged code {p.get('name')} into {p.get('into')}",
    "project.init": lambda p: "created the project",
    "merge": _merge,
    "adjudication.decide": lambda p: (
        f"decided {p.get('code')} on {_at(p)}: {p.get('decision')} ({p.get('by')})"
        + (f" — {p['note']}" if p.get("note") else "")
    ),
}


def describe(action: str, payload: Mapping[str, Any]) -> str:
    """The event as a short sentence; unknown actions show their payload's keys and values."""
    say = _SENTENCES.get(action)
    if say is not None:
        return say(payload)
    shown = ", ".join(f"{k}={v}" for k, v in payload.items() if not isinstance(v, (dict, list)))
    return f"{action} {shown}".strip()
