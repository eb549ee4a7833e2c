"""A memo edited differently on both sides since the copies parted: a conflict, never a silent loss.

Each side's log has a ``memo.set`` event (with the text) for every edit, and a merge brings events
over by GUID. The edits one side has and the other does not are what changed since they parted: a
memo is edited on both sides when each side has such an edit and neither side's current text was
ever the other side's. Without events (another program's file) the later change is taken.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.store.models import Event
from qcode.teams.identity import Conflict

#: What to do with memos edited on both sides: keep this side's, take theirs, or keep both texts.
PreferMemos = Literal["here", "there", "both"]
PREFER_MEMOS: tuple[PreferMemos, ...] = ("here", "there", "both")


def history(events: Iterable[tuple[str, dict[str, Any] | None]]) -> dict[str, dict[str, str]]:
    """Memo GUID → {event GUID: text} of its ``memo.set`` events."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for guid, payload in events:
        memo, text = (payload or {}).get("memo"), (payload or {}).get("text")
        if isinstance(memo, str) and isinstance(text, str):
            out[memo][guid] = text
    return out


def history_here(session: Session) -> dict[str, dict[str, str]]:
    """This project's memo edits (see :func:`history`)."""
    rows = session.execute(select(Event.guid, Event.payload).where(Event.action == "memo.set"))
    return history((guid, payload) for guid, payload in rows)


@dataclass(frozen=True)
class MemoHistories:
    """Both sides' memo edits, to tell an edit on one side from edits on both."""

    here: dict[str, dict[str, str]]
    there: dict[str, dict[str, str]]

    def both_edited(self, guids: tuple[str, str], ours: str, theirs: str) -> bool:
        """Whether the memo (here's GUID, their GUID) now ``ours`` here and ``theirs`` there was
        edited on both sides since the copies parted."""
        here = {g: t for guid in guids for g, t in self.here.get(guid, {}).items()}
        there = {g: t for guid in guids for g, t in self.there.get(guid, {}).items()}
        only_here, only_there = here.keys() - there.keys(), there.keys() - here.keys()
        return bool(only_here and only_there) and theirs not in here.values() and ours not in there.values()


def both_texts(ours: str, theirs: str, where: str) -> str:
    """The memo with both sides' texts, theirs after a marker line naming where it came from."""
    return f"{ours}\n\n--- merged from {where} ---\n{theirs}"


def conflict(coder: str, at: str, ours: str, theirs: str) -> Conflict:
    """The line listing a memo edited on both sides, with the ways out."""
    return Conflict(
        f"memo of {coder} on {at}",
        f"edited on both sides (here {_short(ours)}, there {_short(theirs)})",
        "keep one side's for every such memo with --prefer-memos here|there, "
        "or both texts one after the other with --prefer-memos both",
    )


def _short(text: str) -> str:
    one = " ".join(text.split())
    return repr(one if len(one) <= 40 else one[:39] + "…")
