"""Queries and conditions evaluated by the database, checked against a plain Python reading."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import InputError, NotFoundError
from qcode.query.language import ANY, And, CodeTerm, Near, Node, Not, Or, QueryError, unparse
from qcode.query.service import find_segments, resolve_scope
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Coding, Document, Segment, Variable
from tests.export.sample import add_codings

#: Extra codings so that proximity has something to find across passages and documents.
EXTRA = [
    ("A", 2, "hours", "alice", None),
    ("C", 2, "remittance", "alice", None),
    ("B", 1, "bribery", "bob", None),
]


@dataclass(frozen=True)
class Seg:
    id: int
    document: str
    passage: int
    ordinal: int


class Oracle:
    """The project read into Python, and each query evaluated the obvious way."""

    def __init__(self, session: Session) -> None:
        self.segs = {
            sid: Seg(sid, doc, pid, ordinal)
            for sid, doc, pid, ordinal in session.execute(
                select(Segment.id, Document.name, Segment.passage_id, Segment.ordinal).join(Document)
            )
        }
        self.codings = set(
            session.execute(select(Coding.segment_id, Code.key, Coder.name).join(Code).join(Coder))
        )
        self.parent = dict(session.execute(select(Code.key, Code.parent_id)).all())
        self.key_of = dict(session.execute(select(Code.id, Code.key)).all())

    def _under(self, key: str, code: str) -> bool:
        while True:
            if key == code:
                return True
            parent = self.parent[key]
            if parent is None:
                return False
            key = self.key_of[parent]

    def run(self, node: Node, coders: set[str] | None = None) -> set[int]:
        if isinstance(node, CodeTerm):
            return {
                s
                for s, key, coder in self.codings
                if (node.code == ANY or self._under(key, node.code))
                and (coder == node.coder if node.coder else coders is None or coder in coders)
            }
        if isinstance(node, Not):
            return set(self.segs) - self.run(node.term, coders)
        if isinstance(node, And):
            return set.intersection(*(self.run(t, coders) for t in node.terms))
        if isinstance(node, Or):
            return set.union(*(self.run(t, coders) for t in node.terms))
        left, right = self.run(node.left, coders), self.run(node.right, coders)
        return {a for a in left if any(self._near(a, b, node.scope) for b in right)} | {
            b for b in right if any(self._near(b, a, node.scope) for a in left)
        }

    def _near(self, a: int, b: int, scope: object) -> bool:
        x, y = self.segs[a], self.segs[b]
        if scope == "passage":
            return x.passage == y.passage
        same_doc = x.document == y.document
        return same_doc if scope == "document" else same_doc and abs(x.ordinal - y.ordinal) <= int(scope)  # type: ignore[call-overload]


def _selected(
    session: Session, query: str | None, where: list[str] | None = None, coders: list[int] | None = None
) -> set[int]:
    scope = resolve_scope(session, query, where or [], coders)
    assert scope is not None
    return set(session.scalars(scope.segments))


def _codes() -> st.SearchStrategy[Node]:
    return st.builds(
        CodeTerm,
        st.sampled_from(["bribery", "remittance", "hours", "recruitment", ANY]),
        st.none() | st.sampled_from(["alice", "bob"]),
    )


def _trees(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    many = st.lists(children, min_size=2, max_size=3).map(tuple)
    scopes = st.sampled_from([0, 1, 2, "passage", "document"])
    return st.one_of(
        st.builds(Not, children),
        st.builds(And, many),
        st.builds(Or, many),
        st.builds(Near, children, children, scopes),
    )


@pytest.fixture
def project(seeded_sqlite: Store) -> Store:
    with transaction(seeded_sqlite.sessions) as session:
        add_codings(session, EXTRA)
    return seeded_sqlite


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(_codes(), _trees, max_leaves=6))
def test_every_query_selects_what_a_plain_reading_selects(project: Store, tree: Node) -> None:
    with project.sessions() as session:
        oracle = Oracle(session)
        assert _selected(session, unparse(tree)) == oracle.run(tree)


FIXED = [
    "bribery AND NOT remittance",
    "bribery OR hours",
    "recruitment AND hours",
    "NOT *",
    "bribery NEAR/1 hours",
    "bribery NEAR/passage remittance",
    "bribery NEAR/document remittance",
    "hours@bob AND NOT hours@alice",
    "(bribery OR remittance) NEAR/0 hours",
]


@pytest.mark.parametrize("query", FIXED)
def test_both_backends_agree_with_the_plain_reading(seeded: Store, query: str) -> None:
    from qcode.query.language import parse

    with transaction(seeded.sessions) as session:
        add_codings(session, EXTRA)
    with seeded.sessions() as session:
        oracle = Oracle(session)
        bob = [session.scalars(select(Coder.id).where(Coder.name == "bob")).one()]
        assert _selected(session, query) == oracle.run(parse(query))
        assert _selected(session, query, coders=bob) == oracle.run(parse(query), {"bob"})


def test_a_group_stands_for_its_codes_and_where_restricts_documents(project: Store) -> None:
    with project.sessions() as session:
        oracle = Oracle(session)
        everything = _selected(session, "recruitment")
        assert everything == oracle.run(CodeTerm("bribery"))
        russia = _selected(session, "recruitment", ["country~russ"])
        assert russia == {s for s in everything if oracle.segs[s].document == "C"}
        only_where = _selected(session, None, ["gender=Male", "country!=China"])
        assert only_where == {s for s, seg in oracle.segs.items() if seg.document == "A"}


def test_typed_variables_decide_how_values_compare(project: Store) -> None:
    with transaction(project.sessions) as session:
        session.add(Variable(name="age", type="integer"))
    with project.sessions() as session:
        oracle = Oracle(session)
        assert _selected(session, None, ["age>=39"]) == {
            s for s, g in oracle.segs.items() if g.document == "B"
        }
        with pytest.raises(InputError, match="integer attribute; 'old' is not a number"):
            _selected(session, None, ["age>old"])


def test_unknown_names_and_bad_queries_are_named(project: Store) -> None:
    with project.sessions() as session:
        with pytest.raises(NotFoundError, match="no code named 'bribry'; did you mean 'bribery'"):
            _selected(session, "bribry AND hours")
        with pytest.raises(NotFoundError, match="coder"):
            _selected(session, "bribery@carol")
        with pytest.raises(
            NotFoundError, match="no document has the attribute 'contry'; did you mean 'country'"
        ):
            _selected(session, "bribery", ["contry=Russia"])
        with pytest.raises(QueryError, match="position 9"):
            _selected(session, "bribery hours")
        assert resolve_scope(session, None, []) is None


def test_found_segments_come_in_order_with_their_codes(project: Store) -> None:
    with project.sessions() as session:
        scope = resolve_scope(session, "bribery OR hours", ["document=A"])
        assert scope is not None
        hits = find_segments(session, scope)
        found = [h for page in hits.pages for h in page]
    assert hits.total == 3 == len(found)
    assert [(h.document, h.segment) for h in found] == [("A", 1), ("A", 2), ("A", 4)]
    assert found[0].codes == (("bribery", "alice"), ("bribery", "bob"))
    assert found[1].codes == (("bribery", "alice"), ("hours", "alice"))
    assert found[0].attributes["country"] == "Arab Emirates" and found[0].passage == 1
    assert found[0].text == "Many people also recur to using bribery, “a lot”."
