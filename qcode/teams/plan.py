"""What a merge would change here, decided before anything is written.

Another project's codings and memos are matched to this project's by stable identities: documents
by content hash, segments by (document, start, end), codes and coders by GUID (see
:mod:`qcode.teams.identity`). Each (coder, segment, code) coding and each (coder, target) memo then
falls in one of three cases:

* on both sides — kept as it is here (a memo edited on one side takes that edit, or the later
  change where no log tells; edited differently on both sides it is a conflict, see
  :mod:`qcode.teams.memo_edits`);
* only there — added, unless this project's log says the coder removed it here after it was made
  there (a removal is never undone by merging an older copy);
* only here, for a coder the other side has — removed, when the other side's log says the coder
  removed it there after it was made here (so removals travel too).

The times compared are the coding's creation (or the memo's last change) and the removal event's;
both are UTC, so laptops with wrong clocks can disagree (documented in docs/teams.md).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.store.base import utcnow
from qcode.store.models import Code, Coding, Document, Event, Memo, Segment
from qcode.teams.identity import CoderMatch, Conflict
from qcode.teams.memo_edits import MemoHistories, PreferMemos, both_texts, history, history_here
from qcode.teams.memo_edits import conflict as memo_conflict
from qcode.teams.places import Places, report_unplaced
from qcode.teams.snapshot import SnapCode, SnapCoding, SnapMemo, Snapshot

_CHUNK = 5000
#: Namespace of the GUIDs of a selection's second and later pieces.
_PIECES = uuid.UUID("6f1c2a0e-8d7b-5e43-9a21-3c5d7e9f0b18")

#: A memo's target here: ("segment" | "document", row id) or ("code", code GUID).
Target = tuple[str, int | str]


@dataclass(frozen=True)
class HereCoding:
    """A coding already here."""

    id: int
    guid: str
    created_at: datetime
    memo: str | None


@dataclass(frozen=True)
class HereMemo:
    """A memo already here."""

    id: int
    guid: str
    text: str
    updated_at: datetime


@dataclass
class Plan:
    """Every write a merge will make, and what stops it (``conflicts``)."""

    coders: dict[str, CoderMatch]
    code_ids: dict[str, int] = field(default_factory=dict)
    new_codes: list[SnapCode] = field(default_factory=list)
    add_codings: list[tuple[SnapCoding, int]] = field(default_factory=list)
    fill_memos: list[tuple[int, str]] = field(default_factory=list)
    drop_codings: list[tuple[str, HereCoding]] = field(default_factory=list)
    add_memos: list[tuple[SnapMemo, Target]] = field(default_factory=list)
    update_memos: list[tuple[SnapMemo, HereMemo]] = field(default_factory=list)
    drop_memos: list[tuple[str, HereMemo]] = field(default_factory=list)
    kept_removed: Counter[str] = field(default_factory=Counter)
    events: list[Any] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        """Whether applying the plan writes anything."""
        return any(
            (
                any(m.id is None or m.alias for m in self.coders.values()),
                self.new_codes,
                self.add_codings,
                self.fill_memos,
                self.drop_codings,
                self.add_memos,
                self.update_memos,
                self.drop_memos,
                self.events,
            )
        )


def plan_codes(
    session: Session, snap: Snapshot, plan: Plan, *, add_codes: bool, skip_unmatched: bool
) -> None:
    """Map the codes the snapshot's work uses; missing ones are created (``add_codes``), left out
    (``skip_unmatched``) or conflicts."""
    here = {g: (i, k, n) for i, g, k, n in session.execute(select(Code.id, Code.guid, Code.key, Code.name))}
    plan.code_ids = {g: i for g, (i, _k, _n) in here.items()}
    used = {c.code for c in snap.codings} | {m.code for m in snap.memos if m.code}
    theirs = {c.guid: c for c in snap.codes}
    if snap.kind == "qdpx":  # other programs make their own GUIDs: a code of the same name is ours
        by_name = {n.casefold(): i for i, _k, n in here.values()}
        for guid in used - set(here):
            found = by_name.get(theirs[guid].name.casefold()) if guid in theirs else None
            if found is not None:
                plan.code_ids[guid] = found
                here[guid] = (found, "", theirs[guid].name)
    missing = sorted(used - set(here), key=lambda g: theirs[g].ordinal if g in theirs else 0)
    keys = {k.casefold() for _i, k, _n in here.values()}
    names = {n.casefold() for _i, _k, n in here.values()}
    for guid in missing:
        code = theirs.get(guid)
        if code is None:
            plan.conflicts.append(
                Conflict(
                    f"code {guid}", "codings use it but the source does not define it", "fix the source file"
                )
            )
        elif not add_codes and skip_unmatched:
            plan.skipped[f"work with code {code.name}"] += 1
        elif not add_codes:
            plan.conflicts.append(
                Conflict(
                    f"code {code.name!r}",
                    f"not in this project's codebook (key {code.key}, GUID {guid[:8]}…)",
                    "load the codebook version they used (`qcode codebook load FILE`), or add --add-codes",
                )
            )
        else:
            _add_code(code, theirs, here, plan, keys, names)


def _add_code(
    code: SnapCode,
    theirs: dict[str, SnapCode],
    here: dict[str, tuple[int, str, str]],
    plan: Plan,
    keys: set[str],
    names: set[str],
) -> None:
    chain = [code]
    while chain[-1].parent is not None and chain[-1].parent not in here and chain[-1].parent in theirs:
        chain.append(theirs[chain[-1].parent])
    for c in reversed(chain):
        if any(n.guid == c.guid for n in plan.new_codes):
            continue
        if c.key.casefold() in keys or c.name.casefold() in names:
            plan.conflicts.append(
                Conflict(
                    f"code {c.name!r}",
                    f"a different code here has the key {c.key!r} or the name {c.name!r}",
                    "rename one of them (`qcode codebook rename`) and merge again",
                )
            )
            return
        keys.add(c.key.casefold())
        names.add(c.name.casefold())
        plan.new_codes.append(c)


def plan_codings(
    session: Session, snap: Snapshot, plan: Plan, places: Places, *, skip_unmatched: bool
) -> None:
    """Decide each coding's case (see the module docstring)."""
    here = _here_codings(session, plan)
    theirs_removed = snap.removals("coding.remove", "coding")
    removed_here: dict[str, datetime] | None = None
    unplaced: dict[str, list[SnapCoding]] = defaultdict(list)
    seen: set[tuple[str, int, str]] = set()
    codes = set(plan.code_ids) | {n.guid for n in plan.new_codes}
    for c, seg in _pieces(snap, places, unplaced):
        match = plan.coders.get(c.coder)
        if match is None or c.code not in codes:
            continue
        key = (match.guid, seg, c.code)
        if key in seen:  # two of their coders declared one person here
            continue
        seen.add(key)
        existing = here.get(key)
        if existing is not None:
            if existing.memo is None and c.memo:
                plan.fill_memos.append((existing.id, c.memo))
            continue
        if removed_here is None:
            removed_here = _removals_here(session, "coding.remove", "coding")
        gone = removed_here.get(c.guid)
        if gone is not None and gone >= c.created_at:
            plan.kept_removed[c.coder] += 1
        else:
            plan.add_codings.append((c, seg))
    for key, row in here.items():
        if key not in seen and row.guid in theirs_removed and theirs_removed[row.guid] > row.created_at:
            plan.drop_codings.append((key[0], row))
    report_unplaced(snap, plan, places, unplaced, "coding", skip_unmatched)


def _pieces(
    snap: Snapshot, places: Places, unplaced: dict[str, list[SnapCoding]]
) -> Iterator[tuple[SnapCoding, int]]:
    """Each coding with its segment here; a selection covering several segments gives one piece each
    (the first keeps the coding's GUID, the others get GUIDs derived from it)."""
    for c in snap.codings:
        if c.placed:
            seg = places.segment(c.document, c.start, c.end)
            if seg is None:
                unplaced[c.document].append(c)
            else:
                yield c, seg
            continue
        pieces = places.place(c.document, c.start, c.end)
        if not pieces:
            unplaced[c.document].append(c)
        for n, (seg, part) in enumerate(pieces):
            guid = c.guid if n == 0 else str(uuid.uuid5(_PIECES, f"{c.guid}/{seg}"))
            yield c._replace(guid=guid, narrow=part), seg


def _here_codings(session: Session, plan: Plan) -> dict[tuple[str, int, str], HereCoding]:
    ids = {m.id: m.guid for m in plan.coders.values() if m.id is not None}
    if not ids:
        return {}
    code_guid = {i: g for g, i in plan.code_ids.items()}
    out = {}
    for row in session.execute(
        select(
            Coding.id,
            Coding.coder_id,
            Coding.segment_id,
            Coding.code_id,
            Coding.guid,
            Coding.created_at,
            Coding.memo,
        ).where(Coding.coder_id.in_(sorted(ids)))
    ):
        out[(ids[row.coder_id], row.segment_id, code_guid[row.code_id])] = HereCoding(
            row.id, row.guid, row.created_at, row.memo
        )
    return out


def _removals_here(session: Session, action: str, key: str) -> dict[str, datetime]:
    out: dict[str, datetime] = {}
    for at, payload in session.execute(select(Event.at, Event.payload).where(Event.action == action)):
        guid = (payload or {}).get(key)
        if isinstance(guid, str) and (guid not in out or out[guid] < at):
            out[guid] = at
    return out


def plan_memos(
    session: Session,
    snap: Snapshot,
    plan: Plan,
    places: Places,
    *,
    skip_unmatched: bool,
    prefer_memos: PreferMemos | None = None,
) -> None:
    """Decide each memo's case (see the module docstring and :mod:`qcode.teams.memo_edits`)."""
    here = _here_memos(session, plan)
    histories: MemoHistories | None = None
    theirs_deleted = snap.removals("memo.delete", "memo")
    deleted_here: dict[str, datetime] | None = None
    unplaced: dict[str, list[SnapMemo]] = defaultdict(list)
    seen: set[tuple[str, Target]] = set()
    for m in snap.memos:
        match = plan.coders.get(m.coder)
        if match is None:
            continue
        target = _target(m, plan, places)
        if target is None:
            if m.kind != "code" and m.document is not None:
                unplaced[m.document].append(m)
            continue
        if (match.guid, target) in seen:
            continue
        seen.add((match.guid, target))
        existing = here.get((match.guid, target))
        if existing is not None and existing.text != m.text:
            if histories is None:
                histories = MemoHistories(
                    history_here(session), history((e.guid, e.payload) for e in snap.events)
                )
            if not histories.both_edited((existing.guid, m.guid), existing.text, m.text):
                if m.updated_at > existing.updated_at:
                    plan.update_memos.append((m, existing))
            elif prefer_memos is None:
                plan.conflicts.append(
                    memo_conflict(match.name, _target_name(session, target), existing.text, m.text)
                )
            elif prefer_memos == "there":
                plan.update_memos.append((m, existing))
            elif prefer_memos == "both":
                both = both_texts(existing.text, m.text, snap.where)
                plan.update_memos.append((m._replace(text=both, updated_at=utcnow()), existing))
        if existing is not None:
            continue
        if deleted_here is None:
            deleted_here = _removals_here(session, "memo.delete", "memo")
        gone = deleted_here.get(m.guid)
        if gone is None or gone < m.updated_at:
            plan.add_memos.append((m, target))
    for (coder, target), row in here.items():
        gone = theirs_deleted.get(row.guid)
        if (coder, target) not in seen and gone is not None and gone > row.updated_at:
            plan.drop_memos.append((coder, row))
    report_unplaced(snap, plan, places, unplaced, "memo", skip_unmatched)


def _target_name(session: Session, target: Target) -> str:
    """A memo's target as a researcher names it: ``A #13``, a document, or a code."""
    kind, ident = target
    if kind == "segment":
        row = session.execute(
            select(Document.name, Segment.ordinal).join(Segment).where(Segment.id == ident)
        ).one()
        return f"{row.name} #{row.ordinal}"
    if kind == "document":
        return str(session.scalar(select(Document.name).where(Document.id == ident)))
    return f"code {session.scalar(select(Code.name).where(Code.guid == ident)) or ident}"


def _target(m: SnapMemo, plan: Plan, places: Places) -> Target | None:
    if m.code is not None:
        known = m.code in plan.code_ids or any(n.guid == m.code for n in plan.new_codes)
        return ("code", m.code) if known else None
    if m.document is None:
        return None
    if m.span is None:
        doc = places.documents.get(m.document)
        return None if doc is None else ("document", doc)
    if not m.placed:
        pieces = places.place(m.document, *m.span)
        return ("segment", pieces[0][0]) if pieces else None
    seg = places.segment(m.document, *m.span)
    return None if seg is None else ("segment", seg)


def _here_memos(session: Session, plan: Plan) -> dict[tuple[str, Target], HereMemo]:
    ids = {m.id: m.guid for m in plan.coders.values() if m.id is not None}
    if not ids:
        return {}
    code_guid = {i: g for g, i in plan.code_ids.items()}
    out = {}
    for row in session.execute(
        select(
            Memo.id,
            Memo.coder_id,
            Memo.segment_id,
            Memo.document_id,
            Memo.code_id,
            Memo.guid,
            Memo.text,
            Memo.updated_at,
        ).where(Memo.coder_id.in_(sorted(ids)))
    ):
        target: Target = (
            ("segment", row.segment_id)
            if row.segment_id is not None
            else ("document", row.document_id)
            if row.document_id is not None
            else ("code", code_guid[row.code_id])
        )
        out[(ids[row.coder_id], target)] = HereMemo(row.id, row.guid, row.text, row.updated_at)
    return out


#: Events about coders' work, which is what a merge brings; the other side's own history (its
#: creation, documents imported, codebooks loaded, attributes) is not this project's, and its
#: documents and codes are matched here, never brought.
WORK_EVENTS = frozenset(
    {
        "coding.add",
        "coding.remove",
        "memo.set",
        "memo.delete",
        "coder.add",
        "codings.import",
        "adjudication.decide",
        "merge",
    }
)


def new_events(session: Session, snap: Snapshot) -> list[Any]:
    """The snapshot's events about coders' work this project does not have yet (by event GUID)."""
    work = [e for e in snap.events if e.action in WORK_EVENTS]
    guids = [e.guid for e in work]
    present: set[str] = set()
    for lo in range(0, len(guids), _CHUNK):
        present.update(session.scalars(select(Event.guid).where(Event.guid.in_(guids[lo : lo + _CHUNK]))))
    return [e for e in work if e.guid not in present]


def used_coders(snap: Snapshot) -> list[Any]:
    """The snapshot's coders with work to bring or removals to pass on (every coder of a coder file)."""
    if snap.kind == "coder file":
        return list(snap.coders)
    busy = {c.coder for c in snap.codings} | {m.coder for m in snap.memos}
    removers = {e.actor for e in snap.events if e.action in ("coding.remove", "memo.delete")}
    return [c for c in snap.coders if c.guid in busy or c.name in removers]


def count_by(pairs: Iterable[tuple[str, Any]]) -> Counter[str]:
    """How many items each coder GUID has."""
    return Counter(guid for guid, _ in pairs)
