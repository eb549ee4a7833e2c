"""The query language: what it reads, what it refuses (with the position), and its round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcode.query.language import ANY, And, CodeTerm, Near, Node, Not, Or, QueryError, parse, unparse


def test_precedence_not_then_near_then_and_then_or() -> None:
    tree = parse("a OR NOT b AND c NEAR/2 d")
    assert tree == Or((CodeTerm("a"), And((Not(CodeTerm("b")), Near(CodeTerm("c"), CodeTerm("d"), 2)))))


def test_the_issue_example_and_keywords_in_any_case() -> None:
    tree = parse("bribery and (surveillance Or hours) AND not remittance")
    assert tree == And(
        (
            CodeTerm("bribery"),
            Or((CodeTerm("surveillance"), CodeTerm("hours"))),
            Not(CodeTerm("remittance")),
        )
    )


def test_coders_quoted_names_and_any_code() -> None:
    tree = parse('"family guarantee"@"Ana María" AND *@bob AND side-work')
    assert tree == And(
        (CodeTerm("family guarantee", "Ana María"), CodeTerm(ANY, "bob"), CodeTerm("side-work"))
    )


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("NEAR", "passage"),
        ("near/passage", "passage"),
        ("NEAR/document", "document"),
        ("NEAR/0", 0),
        ("NEAR/segment", 0),
        ("NEAR/12", 12),
    ],
)
def test_near_scopes(text: str, scope: object) -> None:
    assert parse(f"a {text} b") == Near(CodeTerm("a"), CodeTerm("b"), scope)  # type: ignore[arg-type]


def test_near_chains_to_the_left() -> None:
    assert parse("a NEAR/1 b NEAR/document c") == Near(
        Near(CodeTerm("a"), CodeTerm("b"), 1), CodeTerm("c"), "document"
    )


def test_names_that_start_with_a_keyword_are_codes() -> None:
    assert parse("andrew OR notice OR nearby OR or-else") == Or(
        tuple(CodeTerm(n) for n in ("andrew", "notice", "nearby", "or-else"))
    )


@pytest.mark.parametrize(
    ("query", "position", "expected"),
    [
        ("bribery AND", 12, "expected a code, ( or NOT, found the end"),
        ("bribery surveillance", 9, "expected @, AND, OR, NEAR or the end, found 'surveillance'"),
        ("(a OR b", 8, "expected ), found the end"),
        ("a ) b", 3, "expected the end, found ')'"),
        ("AND a", 1, "expected a code, ( or NOT, found 'AND'"),
        ('a AND "b', 7, "this quote is never closed"),
        ("a NEAR/x b", 8, "after NEAR/, found 'x'"),
        ("a@", 3, "expected a code, found the end"),
        ("   ", 1, "the query is empty"),
    ],
)
def test_malformed_queries_name_the_position_and_what_was_expected(
    query: str, position: int, expected: str
) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    message = str(caught.value)
    assert caught.value.position == position
    assert message.startswith(f"query {query!r}: at position {position}: ")
    assert expected in message
    assert "\n" not in message


_names = st.sampled_from(["bribery", "side-work", "family guarantee", "and", "NEAR/2", 'say "hi"', ANY, "é"])
_terms = st.builds(CodeTerm, _names, st.none() | st.sampled_from(["alice", "Ana María"]))


def _trees(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    many = st.lists(children, min_size=2, max_size=3).map(tuple)
    scopes = st.sampled_from([0, 1, 5, "passage", "document"])
    return st.one_of(
        st.builds(Not, children),
        st.builds(And, many),
        st.builds(Or, many),
        st.builds(Near, children, children, scopes),
    )


@given(st.recursive(_terms, _trees, max_leaves=8))
def test_unparse_then_parse_gives_the_same_tree(tree: Node) -> None:
    assert parse(unparse(tree)) == tree


@given(st.text(alphabet='ab ()"@ANDORTNE/12*', max_size=25))
def test_any_text_parses_or_fails_with_a_position_inside_it(text: str) -> None:
    try:
        parse(text)
    except QueryError as exc:
        assert 1 <= exc.position <= len(text) + 1
