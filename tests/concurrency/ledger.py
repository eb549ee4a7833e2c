"""What the processes of a run were told, and whether the database holds exactly that.

Each coding process reports the ops it committed (:mod:`tests.concurrency.coder`). Replaying one
coder's acknowledged ops in order gives what that coder's codings and memos must be: only that
coder's sessions change them. An op whose answer never came (the process was killed, or the server
went away mid-commit) may or may not have been written: the segments it touched are "open" until a
later acknowledged op settles them.

Afterwards :func:`verify` checks, on SQLite or PostgreSQL:

* every acknowledged coding and memo is there exactly once (same GUID), and nothing else is;
* the event log, replayed, gives the same codings and memos as the tables;
* codings added by ``codings import`` match the counts its events give;
* SQLite's ``integrity_check`` and ``foreign_key_check`` are clean.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

#: A coding as tests name it: (coder, document, segment ordinal, code key).
CodingKey = tuple[str, str, int, str]
#: A segment memo: (coder, document, segment ordinal).
MemoKey = tuple[str, str, int]
#: Where an op may have landed: (coder, document, ordinal), or (coder, "*", -1) for anywhere.
Spot = tuple[str, str, int]


@dataclass
class Ledger:
    """Acknowledged and unanswered ops of every coding process, in the order each was answered."""

    ops: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    open_spots: dict[str, set[Spot]] = field(default_factory=dict)
    refusals: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)

    def acknowledged(self, coder: str, kind: str, ops: list[dict[str, Any]]) -> None:
        """A command answered ``ok``: its ops are committed."""
        self.counts[kind] += 1
        for op in ops:
            self.ops.setdefault(coder, []).append(op)
            self.open_spots.get(coder, set()).discard((coder, op["document"], op["ordinal"]))

    def unanswered(self, coder: str, spots: set[Spot]) -> None:
        """A command whose outcome is unknown: these spots may hold either state until settled."""
        self.open_spots.setdefault(coder, set()).update(spots)

    def refused(self, reason: str) -> None:
        """A command the database refused (nothing of it was written)."""
        self.refusals[reason.split(" (")[0][-80:]] += 1

    def expected(self) -> tuple[dict[CodingKey, str], dict[MemoKey, str]]:
        """Codings (→ GUID) and memos (→ text) the acknowledged ops leave, coder by coder."""
        codings: dict[CodingKey, str] = {}
        memos: dict[MemoKey, str] = {}
        for coder, ops in self.ops.items():
            for op in ops:
                if op["kind"] == "memo":
                    mkey = (coder, op["document"], op["ordinal"])
                    if op["after"] is None:
                        memos.pop(mkey, None)
                    else:
                        memos[mkey] = op["after"]
                    continue
                key = (coder, op["document"], op["ordinal"], op["code"])
                if op["added"]:
                    codings[key] = op["guid"]
                else:
                    codings.pop(key, None)
        return codings, memos

    def is_open(self, coder: str, document: str, ordinal: int) -> bool:
        """Whether an unanswered op may have changed this spot since its last acknowledged op."""
        spots = self.open_spots.get(coder, set())
        return (coder, document, ordinal) in spots or (coder, "*", -1) in spots


_CODINGS_SQL = """
SELECT cd.name, d.name, s.ordinal, c.key, k.guid FROM codings k
JOIN coders cd ON cd.id = k.coder_id JOIN segments s ON s.id = k.segment_id
JOIN documents d ON d.id = s.document_id JOIN codes c ON c.id = k.code_id
"""
_MEMOS_SQL = """
SELECT cd.name, d.name, s.ordinal, m.text, m.guid FROM memos m
JOIN coders cd ON cd.id = m.coder_id JOIN segments s ON s.id = m.segment_id
JOIN documents d ON d.id = s.document_id
"""
_EVENTS_SQL = "SELECT action, payload FROM events WHERE action IN ({}) ORDER BY id"


def _stored(session: Session) -> tuple[dict[CodingKey, list[str]], dict[MemoKey, list[str]]]:
    codings: dict[CodingKey, list[str]] = {}
    for coder, doc, ordinal, code, guid in session.execute(text(_CODINGS_SQL)):
        codings.setdefault((coder, doc, ordinal, code), []).append(guid)
    memos: dict[MemoKey, list[str]] = {}
    for coder, doc, ordinal, body, _guid in session.execute(text(_MEMOS_SQL)):
        memos.setdefault((coder, doc, ordinal), []).append(body)
    return codings, memos


def _payload(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        import json

        loaded: dict[str, Any] = json.loads(raw)
        return loaded
    return dict(raw)


def replay_events(session: Session) -> tuple[dict[CodingKey, str], dict[MemoKey, str]]:
    """Codings (→ GUID) and memos (→ text) that the per-change events describe, replayed in order."""
    actions = "'coding.add', 'coding.remove', 'memo.set', 'memo.delete'"
    codings: dict[CodingKey, str] = {}
    memos: dict[MemoKey, str] = {}
    for action, raw in session.execute(text(_EVENTS_SQL.format(actions))):
        p = _payload(raw)
        if action.startswith("memo."):
            mkey = (p["coder"], p["document"], p["segment"])
            if action == "memo.set":
                memos[mkey] = p["text"]
            else:
                memos.pop(mkey, None)
            continue
        key = (p["coder"], p["document"], p["segment"], p["code"])
        if action == "coding.add":
            codings[key] = p["coding"]
        else:
            codings.pop(key, None)
    return codings, memos


def _import_added(session: Session) -> int:
    rows = session.execute(text(_EVENTS_SQL.format("'codings.import'")))
    return sum(int(_payload(raw)["added"]) for _action, raw in rows)


def verify(session: Session, ledger: Ledger, *, importer: str | None = None) -> list[str]:
    """Every way the database disagrees with the run (empty when it holds exactly what was acknowledged)."""
    problems: list[str] = []
    stored, stored_memos = _stored(session)
    twice = sorted(k for k, guids in stored.items() if len(guids) > 1)
    problems += [f"coding stored {len(stored[k])} times: {k}" for k in twice[:10]]
    expected, expected_memos = ledger.expected()
    for coder in ledger.ops.keys() | ledger.open_spots.keys():
        mine = {k for k in stored if k[0] == coder} | {k for k in expected if k[0] == coder}
        for key in sorted(mine):
            if ledger.is_open(*key[:3]):
                continue
            want, have = expected.get(key), stored.get(key, [None])[0]
            if want != have:
                problems.append(f"coding {key}: acknowledged {want or 'absent'}, stored {have or 'absent'}")
        memo_keys = {k for k in stored_memos if k[0] == coder} | {k for k in expected_memos if k[0] == coder}
        for mkey in sorted(memo_keys):
            if ledger.is_open(*mkey):
                continue
            want_text, have_texts = expected_memos.get(mkey), stored_memos.get(mkey, [])
            if [want_text] != have_texts and not (want_text is None and not have_texts):
                problems.append(f"memo {mkey}: acknowledged {want_text!r}, stored {have_texts!r}")
    coders = ledger.ops.keys() | ledger.open_spots.keys()
    problems += _events_agree(session, coders, stored, stored_memos, importer)
    problems += integrity(session)
    return problems


def _events_agree(
    session: Session,
    coders: set[str],
    stored: dict[CodingKey, list[str]],
    stored_memos: dict[MemoKey, list[str]],
    importer: str | None,
) -> list[str]:
    """The event log of the coding processes' coders against the tables (seeded and imported codings
    carry no per-coding events)."""
    problems: list[str] = []
    replayed, replayed_memos = replay_events(session)
    replayed = {k: v for k, v in replayed.items() if k[0] in coders}
    by_changes = {k: guids[0] for k, guids in stored.items() if k[0] in coders}
    if replayed != by_changes:
        missing = sorted(set(by_changes.items()) - set(replayed.items()))[:5]
        extra = sorted(set(replayed.items()) - set(by_changes.items()))[:5]
        problems.append(f"event log replays to other codings: missing from it {missing}, only in it {extra}")
    replayed_memos = {k: v for k, v in replayed_memos.items() if k[0] in coders}
    if replayed_memos != {k: texts[0] for k, texts in stored_memos.items() if k[0] in coders}:
        problems.append("event log replays to other memos than the memos table holds")
    if importer is not None:
        imported, logged = sum(1 for k in stored if k[0] == importer), _import_added(session)
        if imported != logged:
            problems.append(f"{importer} has {imported} codings; the import events say {logged}")
    return problems


def integrity(session: Session) -> list[str]:
    """SQLite's ``integrity_check`` and ``foreign_key_check`` (nothing to check on PostgreSQL)."""
    if session.get_bind().dialect.name != "sqlite":
        return []
    check = [r[0] for r in session.execute(text("PRAGMA integrity_check"))]
    dangling = session.execute(text("PRAGMA foreign_key_check")).all()
    return ([] if check == ["ok"] else [f"integrity_check: {check[:3]}"]) + (
        [f"foreign_key_check: {dangling[:3]}"] if dangling else []
    )
