"""The agreement matrices and the disagreements query on both backends, on hand-built projects.

The project (``ordinal`` = segment ordinal within its document):

    D1: passage 1 = s1 s2, passage 2 = s3     D2: passage 1 = s1 s2     D3: passage 1 = s1
    codes: Money (group) > Wages, Debt; Hours (leaf)        coders: alice, bob, carol (no codings)
    alice: D1 s1 Wages, D1 s3 Debt
    bob:   D1 s1 Wages, D1 s2 Wages, D2 s2 Hours

Units: D1 and D2 (each coded by someone); D3 nobody coded, so it has no units. alice never touched
D2, so she is missing (-1) there; on D1's uncoded segments she decided "absent" (0).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy.orm import Session

from qcode.coding.disagreements import disagreements
from qcode.coding.matrices import agreement_data, agreement_report, groups, whole
from qcode.errors import InputError, NotFoundError
from qcode.store.migrate import Store
from tests.coding.tiny import Ids, build

DOCS = {"D1": [["a1", "a2"], ["a3"]], "D2": [["b1", "b2"]], "D3": [["c1"]]}
CODES = [
    ("money", "Money", None),
    ("wages", "Wages", "money"),
    ("debt", "Debt", "money"),
    ("hours", "Hours", None),
]
CODINGS = [
    ("alice", "D1", 1, "wages"),
    ("alice", "D1", 3, "debt"),
    ("bob", "D1", 1, "wages"),
    ("bob", "D1", 2, "wages"),
    ("bob", "D2", 2, "hours"),
]


@pytest.fixture
def project(store: Store) -> Iterator[tuple[Session, Ids]]:
    with store.sessions() as session:
        with session.begin():
            ids = build(session, DOCS, CODES, ["alice", "bob", "carol"], CODINGS)
        yield session, ids


def _dense(data_matrices: object) -> dict[str, list[list[int]]]:
    return {code: m.tolist() for code, m in dict(data_matrices).items()}  # type: ignore[call-overload]


def test_segment_units_absent_on_uncoded_segments_missing_on_untouched_documents(
    project: tuple[Session, Ids],
) -> None:
    session, ids = project
    data = agreement_data(session)
    assert data.coders == ("alice", "bob")  # carol has no codings: not compared by default
    assert data.codes == ("Wages", "Debt", "Hours")  # leaf codes, codebook order
    seg = ids.segments
    assert data.unit_ids.tolist() == [seg["D1", 1], seg["D1", 2], seg["D1", 3], seg["D2", 1], seg["D2", 2]]
    assert [data.document_names[d] for d in data.unit_documents.tolist()] == ["D1", "D1", "D1", "D2", "D2"]
    group = whole(data)
    assert group.matrices.shape == (2, 5)
    assert _dense(group.matrices) == {
        "Wages": [[1, 0, 0, -1, -1], [1, 1, 0, 0, 0]],
        "Debt": [[0, 0, 1, -1, -1], [0, 0, 0, 0, 0]],
        "Hours": [[0, 0, 0, -1, -1], [0, 0, 0, 0, 1]],
    }
    assert all(m.dtype == np.int8 for m in group.matrices.values())


def test_passage_units_present_when_any_segment_carries_the_code(project: tuple[Session, Ids]) -> None:
    session, ids = project
    data = agreement_data(session, unit="passage")
    assert data.unit_ids.tolist() == [ids.passages["D1", 1], ids.passages["D1", 2], ids.passages["D2", 1]]
    assert _dense(whole(data).matrices) == {
        "Wages": [[1, 0, -1], [1, 0, 0]],
        "Debt": [[0, 1, -1], [0, 0, 0]],
        "Hours": [[0, 0, -1], [0, 0, 1]],
    }


def test_named_coder_without_codings_is_missing_everywhere_with_a_note(project: tuple[Session, Ids]) -> None:
    session, _ = project
    data = agreement_data(session, coders=["alice", "carol"], codes=["debt"])
    assert data.codes == ("Debt",)
    assert _dense(whole(data).matrices) == {"Debt": [[0, 0, 1], [-1, -1, -1]]}  # only D1: alice's
    assert any("carol coded none" in n for n in data.notes)
    report = agreement_report(whole(data), n_boot=0)
    (row,) = report.codes
    assert row.units == 0 and row.fleiss_kappa is None and row.krippendorff_alpha is None
    assert any("no unit was coded by two or more coders" in n for n in row.notes)


def test_groups_by_document_and_by_coder_pair(project: tuple[Session, Ids]) -> None:
    session, _ = project
    data = agreement_data(session, coders=["alice", "bob", "carol"])
    by_doc = groups(data, "document")
    assert [g.label for g in by_doc] == ["D1", "D2"]
    assert _dense(by_doc[1].matrices)["Hours"] == [[-1, -1], [0, 1], [-1, -1]]
    assert _dense(by_doc[0].matrices)["Wages"] == [[1, 0, 0], [1, 1, 0], [-1, -1, -1]]
    pairs = {g.label: g for g in groups(data, "coder-pair")}
    assert list(pairs) == ["alice & bob", "alice & carol", "bob & carol"]
    assert pairs["alice & carol"].coders == ("alice", "carol")
    assert _dense(pairs["alice & carol"].matrices)["Debt"] == [[0, 0, 1], [-1, -1, -1]]  # D1 only
    assert _dense(pairs["bob & carol"].matrices)["Hours"] == [[0, 0, 0, 0, 1], [-1] * 5]
    assert [len(g.unit_ids) for g in groups(data, "code")] == [5]


def test_a_group_code_aggregates_the_codes_under_it(project: tuple[Session, Ids]) -> None:
    # Before: Money read 0 everywhere (only codings of Money itself counted), so agreement on it
    # was "unused" while its children held five codings.
    session, _ = project
    data = agreement_data(session, codes=["Money", "Wages"])
    assert _dense(whole(data).matrices) == {
        "Money": [[1, 0, 1, -1, -1], [1, 1, 0, 0, 0]],  # alice: Wages s1, Debt s3; bob: Wages s1, s2
        "Wages": [[1, 0, 0, -1, -1], [1, 1, 0, 0, 0]],
    }
    assert any("Money is a group: a segment has it when a coder applied Money or any code under it" in n
               for n in data.notes)


def test_unknown_names_and_too_few_coders_are_clear_errors(project: tuple[Session, Ids]) -> None:
    session, _ = project
    with pytest.raises(NotFoundError, match=r"no coder named 'alcie'; did you mean 'alice'"):
        agreement_data(session, coders=["alcie", "bob"])
    with pytest.raises(NotFoundError, match=r"no code named 'Wagez'; did you mean 'wages'"):
        agreement_data(session, codes=["Wagez"])
    with pytest.raises(InputError, match="two or more coders; got 1 \\(alice\\)"):
        agreement_data(session, coders=["alice", "alice"])
    assert agreement_data(session, coders=["ALICE", "bob"]).coders == ("alice", "bob")


def test_one_coder_with_codings_is_a_clear_error(store: Store) -> None:
    with store.sessions() as session:
        with session.begin():
            build(session, DOCS, CODES, ["alice", "bob"], CODINGS[:2])
        with pytest.raises(InputError, match=r"two or more coders with codings; found 1 \(alice\)"):
            agreement_data(session)


def test_disagreements_list_differing_segments_with_each_coders_codes(project: tuple[Session, Ids]) -> None:
    session, _ = project
    found = disagreements(session)
    assert [(d.document, d.segment, d.passage, d.text, d.codes) for d in found] == [
        ("D1", 2, 1, "a2", ("Wages",)),
        ("D1", 3, 2, "a3", ("Debt",)),
    ]  # D2 s2 is not one: alice never coded D2
    assert dict(found[1].coders) == {"alice": ("Debt",), "bob": ()}
    only_debt = disagreements(session, codes=["Debt"], coders=["alice", "bob", "carol"])
    assert [(d.segment, dict(d.coders)) for d in only_debt] == [
        (3, {"alice": ("Debt",), "bob": (), "carol": None})
    ]
