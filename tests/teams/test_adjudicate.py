"""Adjudication: cases between coders, decisions into a consensus coder, resumable and revisable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.errors import InputError, RoleError
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Event
from qcode.teams.adjudicate import Adjudication, open_adjudication
from qcode.teams.decide import Choice, decide, prefer
from qcode.teams.decisions_csv import DecisionsError, read_decisions_csv
from qcode.teams.kept import consensus_kept
from tests.coding.sample import fill_sample
from tests.teams.projects import keys, laptop, memos, toggle

#: alice and bob agree on A#1 wages and A#4 hours; differ on A#2 (wages: alice), A#3 (hours: bob),
#: A#4 surveil (bob); only alice coded B, so B has no case.
CODINGS = [
    ("alice", "A", 1, "wages"),
    ("bob", "A", 1, "wages"),
    ("alice", "A", 4, "hours"),
    ("bob", "A", 4, "hours"),
    ("alice", "A", 2, "wages"),
    ("bob", "A", 3, "hours"),
    ("bob", "A", 4, "surveil"),
    ("alice", "B", 1, "debt"),
]


@pytest.fixture
def project(store: Store) -> Store:
    with transaction(store.sessions) as s:
        fill_sample(s)
    for who, doc, ordinal, key in CODINGS:
        toggle(store, who, doc, ordinal, key)
    return store


@pytest.fixture
def session(project: Store) -> Iterator[Session]:
    with project.sessions() as s:
        yield s


def _open(session: Session, **kw: object) -> Adjudication:
    with session.begin():
        return open_adjudication(session, actor="judge", **kw)  # type: ignore[arg-type]


def _case(adj: Adjudication, doc: str, ordinal: int, key: str) -> tuple[int, int]:
    return next(c.key for c in adj.cases if (c.document, c.segment, c.code_key) == (doc, ordinal, key))


def test_cases_are_the_disagreements_and_agreed_codes_seed_the_consensus(
    project: Store, session: Session
) -> None:
    adj = _open(session)
    assert adj.coders == ("alice", "bob") and adj.consensus.name == "consensus"
    assert [(c.document, c.segment, c.code_key, c.calls) for c in adj.cases] == [
        ("A", 2, "wages", (("alice", True), ("bob", False))),
        ("A", 3, "hours", (("alice", False), ("bob", True))),
        ("A", 4, "surveil", (("alice", False), ("bob", True))),
    ]
    assert adj.progress == "0 of 3 decided"
    assert {k for k in keys(project) if k[0] == "consensus"} == {
        ("consensus", "A", 1, "wages"),
        ("consensus", "A", 4, "hours"),
    }


def test_decisions_are_recorded_revisable_and_resumable(project: Store, session: Session) -> None:
    adj = _open(session)
    with session.begin():
        adj, report = decide(
            session,
            adj,
            [
                Choice(_case(adj, "A", 2, "wages"), True, "alice", "pay is named"),
                Choice(_case(adj, "A", 3, "hours"), False, "none"),
            ],
            actor="judge",
        )
    assert (report.decided, report.applied, report.omitted, report.progress) == (2, 1, 1, "2 of 3 decided")
    assert ("consensus", "A", 2, "wages") in keys(project)
    assert memos(project) == {("consensus", "A", 2): "Wages withheld: pay is named"}
    again = _open(session)  # a new session later: the decisions are still there
    assert again.progress == "2 of 3 decided"
    with session.begin():
        again, report = decide(
            session, again, [Choice(_case(again, "A", 2, "wages"), False, "bob")], actor="judge"
        )
    assert (report.revised, report.decided) == (1, 0)
    assert ("consensus", "A", 2, "wages") not in keys(project)
    assert memos(project) == {
        ("consensus", "A", 2): "Wages withheld: pay is named"
    }  # the note stays unless cleared
    with session.begin():
        _, report = decide(
            session, again, [Choice(_case(again, "A", 2, "wages"), False, "bob")], actor="judge"
        )
    assert report.unchanged == 1
    with session.begin():
        decisions = session.scalar(
            select(func.count()).select_from(Event).where(Event.action == "adjudication.decide")
        )
    assert decisions == 3


def test_prefer_decides_the_rest_as_a_coder_called_it(project: Store, session: Session) -> None:
    adj = _open(session)
    with session.begin():
        adj, _ = decide(session, adj, [Choice(_case(adj, "A", 3, "hours"), False, "none")], actor="judge")
        adj, report = prefer(session, adj, "BOB", actor="judge")
    assert (report.decided, report.applied, report.omitted, report.left) == (2, 1, 1, 0)
    assert adj.progress == "3 of 3 decided"
    consensus = {k[1:] for k in keys(project) if k[0] == "consensus"}
    assert consensus == {("A", 1, "wages"), ("A", 4, "hours"), ("A", 4, "surveil")}
    with pytest.raises(InputError, match="not one of the compared coders"), session.begin():
        prefer(session, adj, "carol")


def test_a_case_in_a_document_one_coder_never_coded_stays_open_under_prefer(
    project: Store, session: Session
) -> None:
    toggle(project, "carol", "B", 1, "debt")
    toggle(project, "carol", "B", 2, "debt")
    adj = _open(session, coders=["alice", "bob", "carol"])
    b2 = [c for c in adj.cases if c.document == "B"]
    assert [(c.segment, c.calls) for c in b2] == [(2, (("alice", False), ("bob", None), ("carol", True)))]
    with session.begin():
        _, report = prefer(session, adj, "bob")
    assert report.left == 1


def test_decisions_from_csv_are_checked_first(project: Store, session: Session, tmp_path: Path) -> None:
    adj = _open(session)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "document,segment,code,decision,note\n"
        "A,2,wages,alice,\n"
        "A,5,wages,bob,\n"
        "A,3,Hours,maybe,\n"
        "A,two,hours,bob,\n"
        "A,2,wages,bob,\n",
        encoding="utf-8",
    )
    with pytest.raises(DecisionsError) as caught:
        read_decisions_csv(bad, adj)
    assert [line for line, _ in caught.value.problems] == [3, 4, 5, 6]
    text = str(caught.value)
    assert (
        "not a case between alice, bob" in text
        and "'maybe' is not a coder" in text
        and "same case as line 2" in text
    )
    good = tmp_path / "good.csv"
    good.write_text(
        "\ufeffdocument,segment,code,decision,note\r\n"
        'A,2,Wages withheld,apply,"keep, it\'s pay"\r\nA,3,hours,,\r\n',
        encoding="utf-8",
    )
    choices = read_decisions_csv(good, adj)
    assert [(c.present, c.by, c.note) for c in choices] == [(True, "edit", "keep, it's pay")]
    both = tmp_path / "both.csv"
    both.write_text("document,segment,code,decision\nA,2,wages,both\n", encoding="utf-8")
    refused = r":2: A #2 Wages withheld: alice applied it, bob did not, so 'both' contradicts itself"
    with pytest.raises(DecisionsError, match=refused):
        read_decisions_csv(both, adj)


def test_an_existing_coder_cannot_become_the_consensus(project: Store, session: Session) -> None:
    with pytest.raises(RoleError, match="'bob' is a coder, not a consensus coder"), session.begin():
        open_adjudication(session, consensus="bob")


def test_each_coder_against_the_consensus(project: Store, session: Session) -> None:
    adj = _open(session)
    with session.begin():
        prefer(session, adj, "alice")
    with session.begin():
        kept = {k.coder: (k.cases, k.kept) for k in consensus_kept(session, ["alice", "bob"])}
    assert kept == {"alice": (3, 3), "bob": (3, 0)}


def test_decisions_made_on_a_laptop_travel_with_a_merge(
    project: Store, session: Session, sqlite_template: Path, tmp_path: Path
) -> None:
    from qcode.teams.merge import merge_snapshot
    from qcode.teams.source import load_source

    with laptop(project, sqlite_template, tmp_path / "judge.db") as other, other.sessions() as s:
        with s.begin():
            adj = open_adjudication(s, actor="judge")
            prefer(s, adj, "bob", actor="judge")
        snap = load_source(other.url)
    with transaction(project.sessions) as s:
        merge_snapshot(s, snap)
    here = _open(session)
    assert here.progress == "3 of 3 decided"
    assert {k[1:] for k in keys(project) if k[0] == "consensus"} >= {("A", 3, "hours"), ("A", 4, "surveil")}
