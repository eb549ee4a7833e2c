"""Building a coder's suggester from the database, on SQLite and PostgreSQL; blind coding holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import update

from qcode.errors import InputError
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Code
from qcode.suggest.queries import code_cards, coded_examples, passage_contexts
from qcode.suggest.service import build_suggester, coder_named, documents_named, suggest_uncoded
from tests.coding.tiny import Ids, build

DOCS = {
    "A": [
        ["We were paid 100 dollars a month.", "The state took the rest of the pay."],
        ["Nobody could leave the dormitory.", "The gate was locked at night."],
    ],
    "B": [["They kept our salary for a year.", "The fence was high."], ["We slept in a container."]],
}
CODES = [
    ("money", "money", None),
    ("wages", "wages", "money"),
    ("control", "control", None),
    ("movement", "movement", "control"),
    ("closed", "closed", "control"),
]


def _fill(store: Store) -> Ids:
    with transaction(store.sessions) as s:
        ids = build(
            s,
            DOCS,
            CODES,
            ["ana", "ben"],
            [
                ("ana", "A", 1, "wages"),
                ("ana", "A", 3, "movement"),
                ("ana", "A", 4, "movement"),
                ("ben", "A", 2, "movement"),  # another coder's view: never read for ana
                ("ben", "B", 1, "wages"),
            ],
        )
        s.execute(update(Code).where(Code.key == "wages").values(keywords=["salary", "pay"]))
        s.execute(update(Code).where(Code.key == "movement").values(keywords=["fence", "locked"]))
        s.execute(update(Code).where(Code.key == "closed").values(codable=False))
    return ids


def test_cards_are_the_codable_leaf_codes_in_codebook_order(store: Store) -> None:
    _fill(store)
    with store.sessions() as s:
        cards = code_cards(s)
    assert [c.key for c in cards] == ["wages", "movement"]
    assert cards[0].keywords == ("salary", "pay")


def test_examples_are_this_coders_own_with_their_passage_neighbours(store: Store) -> None:
    ids = _fill(store)
    with store.sessions() as s:
        got = coded_examples(s, ids.coders["ana"], per_code=10)
    assert [(e.document, e.ordinal, sorted(k)) for e, k in got] == [
        ("A", 1, ["wages"]),
        ("A", 3, ["movement"]),
        ("A", 4, ["movement"]),
    ]
    first, third = got[0][0], got[1][0]
    assert first.context == "The state took the rest of the pay."
    assert third.context == "The gate was locked at night."  # not across the passage boundary
    with store.sessions() as s:
        latest = coded_examples(s, ids.coders["ana"], per_code=1)
    assert [(e.ordinal, sorted(k)) for e, k in latest] == [(1, ["wages"]), (4, ["movement"])]


def test_uncoded_segments_get_suggestions_learned_from_this_coder_only(store: Store) -> None:
    _fill(store)
    with store.sessions() as s:
        ana = coder_named(s, "ana")
        found = suggest_uncoded(s, ana, documents_named(s, None))
        model = build_suggester(s, ana.id)
    by_place = {(f.document, f.ordinal): f for f in found}
    assert set(by_place) <= {("A", 2), ("B", 1), ("B", 2), ("B", 3)}
    salary = by_place[("B", 1)].suggestions[0]
    assert salary.code == "wages" and salary.reasons[0].detail == "salary"
    fence = by_place[("B", 2)].suggestions[0]
    assert fence.code == "movement"
    named = {(r.document, r.ordinal) for s_ in found for sug in s_.suggestions for r in sug.reasons}
    assert ("A", 2) not in named  # ben's coding of A 2 is not ana's reason for anything
    assert model.coded_count() == 3


def test_unknown_coder_or_document_is_an_input_error(store: Store) -> None:
    _fill(store)
    with store.sessions() as s:
        with pytest.raises(InputError, match="no coder named 'zoe'"):
            coder_named(s, "zoe")
        with pytest.raises(InputError, match="no document named 'C'"):
            documents_named(s, ["A", "C"])
        assert [d.name for d in documents_named(s, ["B"])] == ["B"]


def test_reads_through_a_bare_sqlite_connection(demo_db: Path) -> None:
    with sqlite3.connect(demo_db) as conn:
        ref = coder_named(conn, "reference")
        model = build_suggester(conn, ref.id)
        assert model.coded_count() == 472
        assert len(model.codes) == 17


def test_another_coders_codings_change_nothing(demo_db: Path) -> None:
    with sqlite3.connect(demo_db) as conn:
        conn.execute(
            "INSERT INTO coders (guid, name, role, created_at) VALUES ('g-1', 'new', 'coder', '2026-01-01')"
        )
        new = coder_named(conn, "new")
        before = suggest_uncoded(conn, new, documents_named(conn, ["A"]))
        conn.execute("DELETE FROM codings")  # the reference coder's 547 codings gone
        after = suggest_uncoded(conn, new, documents_named(conn, ["A"]))
    assert before == after
    assert len(before) == 49  # new has coded nothing: every segment of A is offered


def test_passage_contexts_join_neighbours_within_a_passage() -> None:
    got = passage_contexts([(1, "a"), (1, "b"), (2, "c"), (2, "d"), (3, "e")])
    assert got == ["b", "a", "d", "c", ""]
