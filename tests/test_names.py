"""Typed names: found in any case and with stray blanks, unknown ones named with close suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcode.errors import InputError, NotFoundError
from qcode.names import Names, case_forms, close_names, did_you_mean

CODES = Names("code", [("wages", 1), ("Wages withheld", 1), ("bribery", 2), ("Bribery", 2), ("debt", 3)])


def test_exact_then_any_case_and_blanks() -> None:
    assert CODES.find("wages") == 1 and CODES.find(" WAGES withheld ") == 1
    assert CODES.find_all(["Debt", "bribery", "debt"]) == [3, 2, 3]
    assert CODES.get("nothing") is None


def test_exact_label_wins_and_a_case_only_clash_must_be_typed_exactly() -> None:
    people = Names("coder", [("Bob", "upper"), ("bob", "lower"), ("ann", "ann")])
    assert people.find("bob") == "lower" and people.find("Bob") == "upper" and people.find(" bob ") == "lower"
    with pytest.raises(InputError, match="'BOB' could be the coder 'Bob' or 'bob': type it exactly"):
        people.find("BOB")
    assert people.find("ANN") == "ann"


def test_a_key_and_another_codes_name_that_differ_in_case_are_not_guessed() -> None:
    codes = Names("code", [("trust", "B"), ("Trust", "A"), ("wages", "W"), ("Wages", "W")])
    assert codes.find("trust") == "B" and codes.find("Trust") == "A" and codes.find("WAGES") == "W"
    with pytest.raises(InputError, match="could be the code"):
        codes.find("TRUST")


def test_letters_whose_case_does_not_round_trip() -> None:
    names = Names("coder", [("Işık", 1), ("straße", 2)])
    assert names.find("IŞIK") == 1 and names.find("işık") == 1
    assert names.find("STRASSE") == 2 and names.find("Straße") == 2


def test_one_unknown_gets_the_closest_labels() -> None:
    with pytest.raises(NotFoundError) as caught:
        CODES.find("brbery")
    assert str(caught.value) == "no code named 'brbery'; did you mean 'bribery'?"
    with pytest.raises(NotFoundError) as caught:
        CODES.find("zzz")
    assert str(caught.value) == "no code named 'zzz'"


def test_several_unknowns_are_named_together() -> None:
    with pytest.raises(NotFoundError) as caught:
        CODES.find_all(["wages", "dept", "zzz"])
    assert str(caught.value) == "no codes named 'dept', 'zzz' (did you mean 'debt' for 'dept'?)"


def test_hints_for_the_codebook_checks() -> None:
    assert did_you_mean("colr", ["color", "name"], limit=1) == "; did you mean 'color'?"
    assert did_you_mean("xyz", ["color", "name"]) == ""
    assert close_names("hours", ["hours", "housing", "hours"]) == ["hours", "housing"]


labels = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12)


@given(st.dictionaries(labels, st.integers(), min_size=1, max_size=20), st.data())
def test_every_label_is_found_however_it_is_typed(known: dict[str, int], data: st.DataObject) -> None:
    names = Names("thing", known.items())
    label = data.draw(st.sampled_from(sorted(known)))
    assert names.find(label) == known[label]  # exactly as written: always its own value
    typed = data.draw(st.sampled_from([label.upper(), label.lower(), f"  {label} "]))
    try:
        found = names.get(typed)
    except InputError:  # only where another label with another value differs from it in case alone
        form = typed.strip().casefold()
        assert len({v for k, v in known.items() if form in case_forms(k)}) > 1
        return
    assert found is not None
    if typed not in known and typed.strip() not in known:
        assert found == known[label] or any(
            typed.strip().casefold() in case_forms(k) and v == found for k, v in known.items()
        )


@given(st.lists(labels, min_size=1, max_size=10), labels)
def test_a_miss_always_raises_and_names_what_was_typed(known: list[str], typed: str) -> None:
    names = Names("thing", [(k, k) for k in known])
    try:
        missing = names.get(typed) is None
    except InputError:
        return
    if missing:
        with pytest.raises(NotFoundError, match="no thing named"):
            names.find(typed)
