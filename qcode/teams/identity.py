"""Who is who across projects: a coder is their GUID; a name is only what they are called.

Matching another project's coder to one here, in order:

1. the same GUID — the same person, whatever either side calls them now;
2. a GUID declared the same person earlier (``--same-coder``, kept as a project setting);
3. ``--same-coder NAME``: their NAME is our NAME (declared now, remembered for next time);
4. ``--rename-coder NAME=NEW``: a different person, brought in under NEW with their GUID;
5. a coder here with the same name (in any case) but another GUID — a conflict: nobody can tell
   whether "ann" there is "ann" here, so the merge lists it with both ways out and writes nothing;
6. otherwise a new coder here, keeping their GUID (so the next merge finds them by rule 1).

A coder's role must agree on both sides (a consensus coder is not a coder).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.errors import InputError
from qcode.names import case_forms
from qcode.store.models import Coder, Coding, Memo, Setting
from qcode.teams.snapshot import SnapCoder

#: Settings key prefix of a declared identity: ``coder-alias:THEIR_GUID`` → our coder's GUID.
ALIAS_PREFIX = "coder-alias:"


@dataclass(frozen=True)
class Conflict:
    """Something a merge cannot decide alone: what, why, and what the user can do about it."""

    subject: str
    problem: str
    remedy: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.problem} → {self.remedy}"


@dataclass(frozen=True)
class CoderMatch:
    """Where another project's coder lands here.

    Attributes:
        theirs: the coder as the other project has them.
        id: the coder's row id here (``None``: created by the merge).
        name: their name here.
        how: ``same GUID``, ``declared same person``, ``renamed``, or ``new``.
        alias: whether to remember their GUID as this coder's (``--same-coder``).
    """

    theirs: SnapCoder
    id: int | None
    guid: str
    name: str
    role: str
    how: str
    alias: bool = False


@dataclass(frozen=True)
class _Here:
    id: int
    guid: str
    name: str
    role: str


@dataclass(frozen=True)
class CoderSummary:
    """A coder as `qcode coders` lists them."""

    name: str
    guid: str
    role: str
    codings: int
    memos: int


def coder_summaries(session: Session) -> list[CoderSummary]:
    """Every coder with GUID, role and how much work they have here, by name."""
    codings = {
        i: n for i, n in session.execute(select(Coding.coder_id, func.count()).group_by(Coding.coder_id))
    }
    memos = {i: n for i, n in session.execute(select(Memo.coder_id, func.count()).group_by(Memo.coder_id))}
    return [
        CoderSummary(name, guid, role, codings.get(i, 0), memos.get(i, 0))
        for i, guid, name, role in session.execute(
            select(Coder.id, Coder.guid, Coder.name, Coder.role).order_by(Coder.name)
        )
    ]


def parse_renames(values: Iterable[str]) -> dict[str, str]:
    """``OLD=NEW`` pairs of ``--rename-coder`` as a mapping.

    Raises:
        InputError: a value without ``=`` or with an empty side.
    """
    out: dict[str, str] = {}
    for value in values:
        old, sep, new = value.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise InputError(f"--rename-coder takes THEIR_NAME=NEW_NAME, got {value!r}")
        out[old.strip()] = new.strip()
    return out


def match_coders(
    session: Session,
    coders: Sequence[SnapCoder],
    *,
    same: Sequence[str] = (),
    renames: Mapping[str, str] | None = None,
) -> tuple[dict[str, CoderMatch], list[Conflict]]:
    """Match each of another project's coders to a coder here (see the module docstring).

    Returns:
        Their GUID → where they land, and the conflicts (nothing is written here).

    Raises:
        InputError: ``same`` or ``renames`` name a coder the other project does not have, or
            ``same`` names a coder this project does not have.
    """
    renames = dict(renames or {})
    here = [_Here(*row) for row in session.execute(select(Coder.id, Coder.guid, Coder.name, Coder.role))]
    by_guid = {h.guid: h for h in here}
    aliases = {
        key[len(ALIAS_PREFIX) :]: value
        for key, value in session.execute(
            select(Setting.key, Setting.value).where(Setting.key.like(ALIAS_PREFIX + "%"))
        )
    }
    _check_options(coders, same, renames, here)
    taken = {form for h in here for form in case_forms(h.name)}
    out: dict[str, CoderMatch] = {}
    conflicts: list[Conflict] = []
    for theirs in coders:
        match, conflict = _match(theirs, by_guid, aliases, same, renames, here, taken)
        if conflict is not None:
            conflicts.append(conflict)
        elif match is not None:
            if match.role != theirs.role:
                conflicts.append(_role_conflict(theirs, match))
            out[theirs.guid] = match
            if match.id is None:
                taken |= case_forms(match.name)
    return out, conflicts


def _check_options(
    coders: Sequence[SnapCoder], same: Sequence[str], renames: Mapping[str, str], here: list[_Here]
) -> None:
    theirs = {c.name for c in coders}
    for name in [*same, *renames]:
        if name not in theirs:
            raise InputError(
                f"the other project has no coder called {name!r} "
                f"(it has {', '.join(sorted(theirs)) or 'none'})"
            )
    names_here = {h.name for h in here}
    for name in same:
        if name not in names_here:
            raise InputError(f"--same-coder {name}: this project has no coder called {name!r}")
    for old, new in renames.items():
        if case_forms(new) & {f for h in here for f in case_forms(h.name)}:
            raise InputError(f"--rename-coder {old}={new}: a coder here is already called {new!r}")


def _match(
    theirs: SnapCoder,
    by_guid: dict[str, _Here],
    aliases: dict[str, str],
    same: Sequence[str],
    renames: Mapping[str, str],
    here: list[_Here],
    taken: set[str],
) -> tuple[CoderMatch | None, Conflict | None]:
    found = by_guid.get(theirs.guid)
    if found is not None:
        return CoderMatch(theirs, found.id, found.guid, found.name, found.role, "same GUID"), None
    declared = by_guid.get(aliases.get(theirs.guid, ""))
    if declared is not None:
        return CoderMatch(
            theirs, declared.id, declared.guid, declared.name, declared.role, "declared same person"
        ), None
    if theirs.name in same:
        h = next(h for h in here if h.name == theirs.name)
        return CoderMatch(theirs, h.id, h.guid, h.name, h.role, "declared same person", alias=True), None
    if theirs.name in renames:
        return CoderMatch(theirs, None, theirs.guid, renames[theirs.name], theirs.role, "renamed"), None
    if case_forms(theirs.name) & taken:
        clash = next((h for h in here if case_forms(h.name) & case_forms(theirs.name)), None)
        ours = f" (GUID {clash.guid[:8]}…)" if clash is not None else ""
        return None, Conflict(
            f"coder {theirs.name!r}",
            f"a different coder here is called {(clash.name if clash else theirs.name)!r}{ours}; "
            f"theirs has GUID {theirs.guid[:8]}…",
            f"if they are the same person, add --same-coder {theirs.name}; "
            f"if not, add --rename-coder {theirs.name}=NEW_NAME",
        )
    return CoderMatch(theirs, None, theirs.guid, theirs.name, theirs.role, "new"), None


def _role_conflict(theirs: SnapCoder, match: CoderMatch) -> Conflict:
    return Conflict(
        f"coder {theirs.name!r}",
        f"is a {theirs.role} there but {match.name!r} is a {match.role} here",
        f"bring them in as someone else with --rename-coder {theirs.name}=NEW_NAME",
    )
