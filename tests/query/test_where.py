"""`--where` conditions: reading them and testing documents, by the attribute's declared type."""

from __future__ import annotations

import pytest

from qcode.errors import InputError
from qcode.query.where import Condition, document_matches, parse_where, predicate


def test_reading_each_operator() -> None:
    assert parse_where("gender=Female") == Condition("gender", "=", ("Female",), "gender=Female")
    assert parse_where(" country ~ Russia|China ").values == ("Russia", "China")
    assert [parse_where(f"age{op}40").op for op in ("!=", "!~", "<", "<=", ">", ">=")] == [
        "!=",
        "!~",
        "<",
        "<=",
        ">",
        ">=",
    ]
    assert parse_where("note~a=b").values == ("a=b",)  # the first operator splits


@pytest.mark.parametrize("text", ["gender", "=Female", "age<", "  "])
def test_malformed_conditions_are_one_line_errors(text: str) -> None:
    with pytest.raises(InputError, match=r"^--where "):
        parse_where(text)


def test_text_equality_and_contains_ignore_case() -> None:
    eq = predicate(parse_where("gender=female"))
    has = predicate(parse_where("country~russ|china"))
    assert eq("Female") and eq(" FEMALE ") and not eq("Male") and not eq(None)
    assert has("Russia (Tomsk)") and has("China") and not has("Kuwait") and not has(None)
    assert predicate(parse_where("country!~Russia"))(None)


def test_untyped_attributes_order_as_numbers_when_a_number_is_typed() -> None:
    older = predicate(parse_where("age>=45"))
    assert older("50") and not older("40") and not older("") and not older(None) and not older("fifty")
    assert predicate(parse_where("name<b"))("Alice") and not predicate(parse_where("name<b"))("bob")


def test_typed_attributes_compare_as_their_type() -> None:
    assert predicate(parse_where("age>9"), "integer")("10")  # not "10" < "9" as text
    arrived = predicate(parse_where("arrived<2015-06-01"), "date")
    assert arrived("2014-12-31") and not arrived("2015-06-01") and not arrived("unknown")
    married = predicate(parse_where("married=yes"), "boolean")
    assert married("true") and married("1") and not married("no")
    assert predicate(parse_where("share>=0.5"), "float")("0.75")


def test_values_that_do_not_fit_the_type_are_refused() -> None:
    with pytest.raises(InputError, match="age is an integer attribute; 'forty' is not a number"):
        predicate(parse_where("age<forty"), "integer")
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        predicate(parse_where("arrived>last year"), "date")
    with pytest.raises(InputError, match="use = or !="):
        predicate(parse_where("married>yes"), "boolean")


def test_a_document_passes_every_condition_and_its_name_answers_to_document() -> None:
    tests = [
        ("gender", predicate(parse_where("gender=Male"))),
        ("document", predicate(parse_where("document=A"))),
    ]
    assert document_matches(tests, "A", {"gender": "Male"})
    assert not document_matches(tests, "B", {"gender": "Male"})
    assert not document_matches(tests, "A", {"gender": "Female"})
