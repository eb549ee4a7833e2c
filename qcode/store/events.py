"""The append-only event log: one helper so every write records itself the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from qcode.store.base import utcnow
from qcode.store.models import Event


def log_event(session: Session, actor: str, action: str, **payload: Any) -> None:
    """Append an event in the caller's transaction (so it commits or rolls back with the change).

    Args:
        session: the open unit of work.
        actor: coder name, or ``"system"`` for imports and migrations.
        action: dotted verb such as ``"coding.add"`` or ``"import.document"``.
        **payload: JSON-serialisable details naming entities by GUID or name, never row id.
    """
    session.execute(insert(Event).values(at=utcnow(), actor=actor, action=action, payload=payload))


def log_events(session: Session, actor: str, events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Append several ``(action, payload)`` events in one statement (bulk imports)."""
    if events:
        now = utcnow()
        session.execute(
            insert(Event),
            [{"at": now, "actor": actor, "action": action, "payload": payload} for action, payload in events],
        )
