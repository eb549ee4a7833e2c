"""`qcode merge OTHER`: another copy's coders, codings, memos and events, brought in once.

The plan (:mod:`qcode.teams.plan`) is made from reads only; any conflict stops the merge before
the first write, listing every conflict with what to do. Otherwise every write happens in the
caller's one transaction, with the other side's events (each once, by event GUID) and one
``merge`` event saying what came from where. Merging the same thing again changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from qcode.errors import ConflictError
from qcode.store.base import new_guid, utcnow
from qcode.store.events import log_event
from qcode.store.models import Code, Coder, Coding, Event, Memo, Setting
from qcode.teams.identity import ALIAS_PREFIX, CoderMatch, Conflict, match_coders
from qcode.teams.memo_edits import PreferMemos
from qcode.teams.places import Places
from qcode.teams.plan import (
    Plan,
    count_by,
    new_events,
    plan_codes,
    plan_codings,
    plan_memos,
    used_coders,
)
from qcode.teams.snapshot import SnapEvent, Snapshot
from qcode.text import plural

_CHUNK = 5000
# Core tables: bulk inserts skip the ORM's per-row bookkeeping (several times faster at 10⁵ rows).
_CODINGS = cast(Table, Coding.__table__)
_MEMOS = cast(Table, Memo.__table__)
_EVENTS = cast(Table, Event.__table__)


@dataclass(frozen=True)
class MergeOptions:
    """How to settle what a merge cannot decide alone (see :mod:`qcode.teams.identity`)."""

    same_coders: tuple[str, ...] = ()
    rename_coders: Mapping[str, str] = field(default_factory=dict)
    add_codes: bool = False
    skip_unmatched: bool = False
    dry_run: bool = False
    #: memos edited on both sides: keep ours, take theirs, or keep both (``None``: a conflict)
    prefer_memos: PreferMemos | None = None


@dataclass(frozen=True)
class CoderCounts:
    """What a merge did for one coder (named as here)."""

    name: str
    how: str
    codings_added: int = 0
    codings_removed: int = 0
    kept_removed: int = 0
    memos_added: int = 0
    memos_changed: int = 0
    memos_removed: int = 0


@dataclass(frozen=True)
class MergeReport:
    """What a merge did (or, with ``dry_run``, would do)."""

    where: str
    kind: str
    project: str
    coders: tuple[CoderCounts, ...]
    codes_added: tuple[str, ...]
    events_added: int
    skipped: Mapping[str, int]
    changed: bool
    dry_run: bool


class MergeConflictError(ConflictError):
    """The merge met conflicts, so it wrote nothing; ``conflicts`` lists each with what to do."""

    def __init__(self, where: str, conflicts: Sequence[Conflict], *, foreign: str = "") -> None:
        lines = [foreign] if foreign else []
        lines.append(f"{where}: {plural(len(conflicts), 'conflict')}, so nothing was merged:")
        lines += [f"  {c}" for c in conflicts]
        super().__init__("\n".join(lines))
        self.conflicts = tuple(conflicts)


def merge_snapshot(
    session: Session, snap: Snapshot, options: MergeOptions | None = None, *, actor: str = "system"
) -> MergeReport:
    """Merge ``snap`` into this project in the caller's transaction (all of it, or nothing).

    Raises:
        MergeConflictError: coders, codes, documents or segments that cannot be matched.
        InputError: options naming coders that do not exist.
    """
    options = options or MergeOptions()
    coders, conflicts = match_coders(
        session, used_coders(snap), same=options.same_coders, renames=options.rename_coders
    )
    plan = Plan(coders, conflicts=conflicts)
    plan_codes(session, snap, plan, add_codes=options.add_codes, skip_unmatched=options.skip_unmatched)
    places = Places(session, snap)
    plan_codings(session, snap, plan, places, skip_unmatched=options.skip_unmatched)
    plan_memos(
        session, snap, plan, places, skip_unmatched=options.skip_unmatched, prefer_memos=options.prefer_memos
    )
    plan.events = new_events(session, snap)
    if plan.conflicts:
        raise MergeConflictError(snap.where, plan.conflicts, foreign=_foreign(session, snap))
    report = _report(snap, plan, options.dry_run)
    if plan.changes and not options.dry_run:
        _apply(session, plan)
        log_event(session, actor, "merge", **_summary(report))
    return report


def _foreign(session: Session, snap: Snapshot) -> str:
    """The line saying ``snap`` comes from another project than this one, if it does."""
    ours = session.get(Setting, "project_guid")
    if not snap.project or ours is None or ours.value == snap.project:
        return ""
    return (
        f"{snap.where}: comes from a different project (project {snap.project[:8]}…; this is "
        f"{ours.value[:8]}…), not a copy of this one"
    )


def _report(snap: Snapshot, plan: Plan, dry_run: bool) -> MergeReport:
    added, removed = count_by((c.coder, c) for c, _ in plan.add_codings), count_by(plan.drop_codings)
    memos_added = count_by((m.coder, m) for m, _ in plan.add_memos)
    memos_changed = count_by((m.coder, m) for m, _ in plan.update_memos)
    memos_removed = count_by(plan.drop_memos)
    rows = []
    for theirs, m in sorted(plan.coders.items(), key=lambda kv: kv[1].name):
        rows.append(
            CoderCounts(
                m.name if m.name == m.theirs.name else f"{m.name} (there: {m.theirs.name})",
                m.how,
                added[theirs],
                removed[m.guid],
                plan.kept_removed[theirs],
                memos_added[theirs],
                memos_changed[theirs],
                memos_removed[m.guid],
            )
        )
    return MergeReport(
        snap.where,
        snap.kind,
        snap.project,
        tuple(rows),
        tuple(c.name for c in plan.new_codes),
        len(plan.events),
        dict(plan.skipped),
        plan.changes,
        dry_run,
    )


def _summary(report: MergeReport) -> dict[str, Any]:
    return {
        "source": report.where,
        "kind": report.kind,
        "project": report.project,
        "coders": {
            c.name: {"how": c.how, "codings_added": c.codings_added, "codings_removed": c.codings_removed}
            for c in report.coders
        },
        "codes_added": list(report.codes_added),
        "events_added": report.events_added,
        "skipped": dict(report.skipped),
    }


def _apply(session: Session, plan: Plan) -> None:
    coder_ids = _write_coders(session, plan.coders)
    code_ids = _write_codes(session, plan)
    now = utcnow()
    taken = _taken(session, Coding.guid, [c.guid for c, _ in plan.add_codings])
    if plan.add_codings:
        session.execute(
            insert(_CODINGS),
            [
                {
                    "guid": new_guid() if c.guid in taken else c.guid,
                    "coder_id": coder_ids[c.coder],
                    "segment_id": seg,
                    "code_id": code_ids[c.code],
                    "memo": c.memo,
                    "start": c.narrow[0] if c.narrow else None,
                    "end": c.narrow[1] if c.narrow else None,
                    "selection": c.selection,
                    "created_at": c.created_at,
                }
                for c, seg in plan.add_codings
            ],
        )
    if plan.fill_memos:
        session.execute(update(Coding), [{"id": i, "memo": memo} for i, memo in plan.fill_memos])
    _delete(session, Coding, [row.id for _, row in plan.drop_codings])
    _write_memos(session, plan, coder_ids, code_ids, now)
    _write_events(session, plan.events, plan.coders)


def _write_coders(session: Session, coders: Mapping[str, CoderMatch]) -> dict[str, int]:
    """Their GUID → coder id here, creating new coders and remembering declared identities."""
    out = {}
    for theirs, m in coders.items():
        if m.id is None:
            out[theirs] = session.execute(
                insert(Coder)
                .values(guid=m.guid, name=m.name, role=m.role, created_at=utcnow())
                .returning(Coder.id)
            ).scalar_one()
        else:
            out[theirs] = m.id
        if m.alias:
            session.add(Setting(key=ALIAS_PREFIX + theirs, value=m.guid))
    session.flush()
    return out


def _write_codes(session: Session, plan: Plan) -> dict[str, int]:
    """Code GUID → id here, creating the codes the merge adds (parents first; codable ones get a free
    hotkey, as split and imported codes do, so the coding screen can apply them)."""
    from qcode.codebook.naming import free_hotkey

    ids = dict(plan.code_ids)
    top = session.scalar(select(Code.ordinal).order_by(Code.ordinal.desc()).limit(1)) or 0
    taken = {k for k in session.scalars(select(Code.hotkey)) if k}
    for n, c in enumerate(plan.new_codes, start=1):
        hotkey = free_hotkey(c.name, taken) if c.codable else None
        if hotkey is not None:
            taken.add(hotkey)
        ids[c.guid] = session.execute(
            insert(Code)
            .values(
                guid=c.guid,
                key=c.key,
                name=c.name,
                parent_id=ids.get(c.parent) if c.parent else None,
                description=c.description,
                inclusion=c.inclusion,
                exclusion=c.exclusion,
                example_text=c.example_text,
                example_interviewee=c.example_interviewee,
                keywords=list(c.keywords),
                colour=c.colour,
                codable=c.codable,
                hotkey=hotkey,
                ordinal=top + n,
                created_at=utcnow(),
            )
            .returning(Code.id)
        ).scalar_one()
    return ids


def _write_memos(
    session: Session, plan: Plan, coder_ids: Mapping[str, int], code_ids: Mapping[str, int], now: Any
) -> None:
    taken = _taken(session, Memo.guid, [m.guid for m, _ in plan.add_memos])
    rows = []
    for m, (kind, target) in plan.add_memos:
        row: dict[str, Any] = {
            "guid": new_guid() if m.guid in taken else m.guid,
            "coder_id": coder_ids[m.coder],
            "segment_id": target if kind == "segment" else None,
            "document_id": target if kind == "document" else None,
            "code_id": code_ids[str(target)] if kind == "code" else None,
            "text": m.text,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
        }
        rows.append(row)
    if rows:
        session.execute(insert(_MEMOS), rows)
    if plan.update_memos:
        session.execute(
            update(Memo),
            [{"id": h.id, "text": m.text, "updated_at": m.updated_at} for m, h in plan.update_memos],
        )
    _delete(session, Memo, [row.id for _, row in plan.drop_memos])


def _write_events(session: Session, events: Sequence[SnapEvent], coders: Mapping[str, CoderMatch]) -> None:
    """Their events, once each; coders known here by another name are named as here."""
    renamed = {m.theirs.name: m.name for m in coders.values() if m.name != m.theirs.name}
    rows = []
    for e in events:
        payload = dict(e.payload)
        if payload.get("coder") in renamed:
            payload["coder"] = renamed[payload["coder"]]
        rows.append(
            {
                "guid": e.guid,
                "at": e.at,
                "actor": renamed.get(e.actor, e.actor),
                "action": e.action,
                "payload": payload,
            }
        )
    for lo in range(0, len(rows), _CHUNK):
        session.execute(insert(_EVENTS), rows[lo : lo + _CHUNK])


def _taken(session: Session, column: Any, guids: list[str]) -> set[str]:
    out: set[str] = set()
    for lo in range(0, len(guids), _CHUNK):
        out.update(session.scalars(select(column).where(column.in_(guids[lo : lo + _CHUNK]))))
    return out


def _delete(session: Session, model: Any, ids: list[int]) -> None:
    for lo in range(0, len(ids), _CHUNK):
        session.execute(delete(model).where(model.id.in_(ids[lo : lo + _CHUNK])))
