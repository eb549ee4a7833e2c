"""Recording decisions: one at a time (the adjudication screen), from a CSV, or by a rule (``--prefer``).

Every call writes in the caller's transaction: the consensus coder's codings, one
``adjudication.decide`` event per decision, and the segment's notes as the consensus coder's memo.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import InputError
from qcode.store.base import utcnow
from qcode.store.events import log_events
from qcode.store.models import Code
from qcode.teams.adjudicate import (
    BOTH,
    DECIDE,
    EDIT,
    NONE,
    Adjudication,
    Case,
    CaseKey,
    Decision,
    case_identities,
)
from qcode.teams.consensus import reconcile, set_note


@dataclass(frozen=True)
class Choice:
    """What to decide on one case; ``note`` ``None`` keeps the case's earlier note, ``""`` clears it."""

    case: CaseKey
    present: bool
    by: str
    note: str | None = None


@dataclass(frozen=True)
class DecideReport:
    """What a batch of decisions did; ``left`` counts cases a rule could not decide."""

    decided: int = 0
    revised: int = 0
    unchanged: int = 0
    applied: int = 0
    omitted: int = 0
    left: int = 0
    progress: str = ""


def decide(
    session: Session, adj: Adjudication, choices: Iterable[Choice], *, actor: str = "system", left: int = 0
) -> tuple[Adjudication, DecideReport]:
    """Record ``choices`` (each a case of ``adj``); returns the updated adjudication and counts.

    Raises:
        InputError: a choice names no case of ``adj`` or rests on someone who is not compared.
    """
    cases = {c.key: c for c in adj.cases}
    decisions = dict(adj.decisions)
    changed: list[Case] = []
    counts = {"decided": 0, "revised": 0, "unchanged": 0, "applied": 0, "omitted": 0}
    now = utcnow()
    for choice in choices:
        case = _case(cases, choice, adj.coders)
        old = case.decision
        note = (
            (old.note if old is not None else None) if choice.note is None else (choice.note.strip() or None)
        )
        if old is not None and (old.present, old.by, old.note) == (choice.present, choice.by, note):
            counts["unchanged"] += 1
            continue
        counts["revised" if old is not None else "decided"] += 1
        counts["applied" if choice.present else "omitted"] += 1
        decision = Decision(choice.present, choice.by, note, now, actor)
        cases[case.key] = replace(case, decision=decision)
        decisions[case.key] = decision
        changed.append(cases[case.key])
    _write(session, adj, changed, decisions, actor)
    updated = replace(adj, cases=tuple(cases[c.key] for c in adj.cases), decisions=decisions)
    return updated, DecideReport(**counts, left=left, progress=updated.progress)


def _case(cases: Mapping[CaseKey, Case], choice: Choice, coders: Sequence[str]) -> Case:
    case = cases.get(choice.case)
    if case is None:
        raise InputError(
            f"segment {choice.case[0]}, code {choice.case[1]}: not a case between {', '.join(coders)}"
        )
    if choice.by not in (BOTH, NONE, EDIT) and choice.by not in coders:
        raise InputError(
            f"a decision rests on {BOTH!r}, {NONE!r}, {EDIT!r} or a compared coder, not {choice.by!r}"
        )
    if choice.by == BOTH:
        refusal = both_refusal(case)
        if refusal:
            raise InputError(refusal)
    return case


def both_refusal(case: Case) -> str:
    """Why ``both`` cannot decide ``case`` ("" where it can).

    ``both`` keeps every compared coder's call; on a case some of them applied the code and others
    who coded the document did not, those calls contradict each other, so someone must choose.
    """
    applied = [name for name, call in case.calls if call]
    not_applied = [name for name, call in case.calls if call is False]
    if not not_applied:
        return ""
    return (
        f"{case.document} #{case.segment} {case.code}: {', '.join(applied)} applied it, "
        f"{', '.join(not_applied)} did not, so 'both' contradicts itself: take one call, none, "
        "or your own (edit)"
    )


def _write(
    session: Session,
    adj: Adjudication,
    changed: Sequence[Case],
    decisions: Mapping[CaseKey, Decision],
    actor: str,
) -> None:
    if not changed:
        return
    reconcile(
        session, adj.consensus, {c.key: bool(c.decision and c.decision.present) for c in changed}, actor=actor
    )
    identities = case_identities(session, changed)
    events = []
    for case in changed:
        d = case.decision
        assert d is not None
        events.append(
            (
                DECIDE,
                {
                    "consensus": adj.consensus.guid,
                    "document": case.document,
                    "segment": case.segment,
                    "code": case.code_key,
                    **identities[case.key],
                    "decision": "apply" if d.present else "omit",
                    "by": d.by,
                    "note": d.note,
                    "coders": dict(case.calls),
                },
            )
        )
    log_events(session, actor, events)
    names = {a: b for a, b in session.execute(select(Code.id, Code.name))}
    touched = {c.segment_id for c in changed}
    by_segment: dict[int, list[tuple[int, Decision]]] = {seg: [] for seg in touched}
    for (seg, code), d in decisions.items():
        if seg in touched:
            by_segment[seg].append((code, d))
    for segment in sorted(touched):
        set_note(session, adj.consensus, segment, notes_of(by_segment[segment], names), actor=actor)


def notes_of(decided: Iterable[tuple[int, Decision]], code_names: Mapping[int, str]) -> str:
    """A segment's consensus memo: one ``code: note`` line per decided code with a note."""
    return "\n".join(sorted(f"{code_names.get(code, code)}: {d.note}" for code, d in decided if d.note))


def prefer(
    session: Session, adj: Adjudication, coder: str, *, actor: str = "system"
) -> tuple[Adjudication, DecideReport]:
    """Decide every undecided case as ``coder`` called it; cases in documents they did not code stay open.

    Raises:
        InputError: ``coder`` is not one of the compared coders.
    """
    matched = [c for c in adj.coders if c == coder] or [
        c for c in adj.coders if c.casefold() == coder.casefold()
    ]
    if not matched:
        raise InputError(f"--prefer {coder}: not one of the compared coders ({', '.join(adj.coders)})")
    name = matched[0]
    open_cases = [c for c in adj.cases if c.decision is None]
    choices = [Choice(c.key, bool(c.call_of(name)), name) for c in open_cases if c.call_of(name) is not None]
    return decide(session, adj, choices, actor=actor, left=len(open_cases) - len(choices))
