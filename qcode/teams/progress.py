"""How far adjudication into a consensus coder has come: what a quote book needs to know before quoting it.

A consensus coder holds the decided cases and the codes the compared coders agree on; an undecided
case is in neither, so a book quoting an unfinished consensus leaves those passages out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.store.models import Coder, Event
from qcode.teams.adjudicate import DECIDE, open_adjudication


@dataclass(frozen=True)
class ConsensusProgress:
    """The consensus coder, the coders its decisions were between, and how many cases are decided."""

    consensus: str
    coders: tuple[str, ...]
    decided: int
    cases: int

    @property
    def undecided(self) -> int:
        """Cases (a segment and a code the coders differ on) with no decision yet."""
        return self.cases - self.decided

    @property
    def finished(self) -> bool:
        """Whether every case is decided (the consensus then stands for the coders)."""
        return self.undecided == 0


def consensus_progress(
    session: Session, consensus: str, codes: Sequence[str] | None = None
) -> ConsensusProgress:
    """How many of the cases between the coders adjudication compared are decided into ``consensus``.

    The compared coders are those of the latest decision (`qcode adjudicate --coders` may have named
    a few), else every coder with codings. With ``codes``, only the cases on those codes count (a
    team may adjudicate one code at a time). Reads only: nothing is written.
    """
    guid = session.scalar(select(Coder.guid).where(Coder.name == consensus))
    compared = _compared(session, guid)
    for on, coders in itertools.product((codes or None, None), (compared, None)):
        try:
            adj = open_adjudication(session, coders=coders, codes=on, consensus=consensus, write=False)
        except (InputError, NotFoundError):  # a compared coder or a code renamed or gone: wider
            continue
        return ConsensusProgress(consensus, adj.coders, adj.decided, len(adj.cases))
    return ConsensusProgress(consensus, (), 0, 0)


def _compared(session: Session, consensus_guid: str | None) -> list[str] | None:
    """The coders the latest decision into ``consensus_guid`` compared, or ``None`` if there is none."""
    rows = session.execute(
        select(Event.payload).where(Event.action == DECIDE).order_by(Event.at.desc(), Event.id.desc())
    ).scalars()
    for payload in rows:
        if (payload or {}).get("consensus") == consensus_guid and payload.get("coders"):
            return sorted(payload["coders"])
    return None
