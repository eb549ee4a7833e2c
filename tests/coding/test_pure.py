"""Pure parts: the undo history and the fuzzy code and text search."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qcode.coding.history import Action, History
from qcode.coding.search import find_text, match_codes, parse_query
from qcode.coding.types import CodeInfo, CodingOp, MemoOp, SegmentRef

SEG = SegmentRef(1, "A", 1)


def _op(code: int, added: bool = True) -> CodingOp:
    return CodingOp(SEG, code, f"k{code}", added, f"g{code}")


def test_undo_redo_order_and_new_change_clears_redo() -> None:
    h = History()
    assert h.undo() is None and h.redo() is None
    h.record(Action("one", (_op(1),)))
    h.record(Action("two", (_op(2), MemoOp(SEG, None, "x", "m"))))
    undo = h.undo()
    assert undo is not None and undo.ops == (MemoOp(SEG, "x", None, "m"), _op(2, added=False))
    redo = h.redo()
    assert redo is not None and redo.ops == (_op(2), MemoOp(SEG, None, "x", "m"))
    h.undo()
    h.record(Action("three", (_op(3),)))
    assert not h.can_redo and h.can_undo
    h.record(Action("empty", ()))
    last = h.undo()
    assert last is not None and last.label == "three"


def test_a_failed_undo_or_redo_leaves_the_stacks_as_they_were() -> None:
    h = History()
    h.record(Action("one", (_op(1),)))
    h.record(Action("two", (_op(2),)))
    h.undo()
    h.undo_failed()  # the database refused it: "two" is still the one to undo
    again = h.undo()
    assert again is not None and again.ops == (_op(2, added=False),) and h.can_undo
    h.redo()
    h.redo_failed()
    redo = h.redo()
    assert redo is not None and redo.label == "two" and not h.can_redo


def test_match_codes_by_name_key_and_keyword() -> None:
    codes = [
        CodeInfo(1, "g1", "wages", "Wages withheld", keywords=("salary", "loyalty payment")),
        CodeInfo(2, "g2", "debt", "Debt", keywords=("loan",)),
        CodeInfo(3, "g3", "confine", "Confinement", keywords=("passport",)),
    ]
    assert match_codes("salary", codes)[0][1].key == "wages"
    assert match_codes("confnement", codes)[0][1].key == "confine"
    assert match_codes("loan", codes)[0][1].key == "debt"
    assert [c.key for _, c in match_codes("", codes)] == ["wages", "debt", "confine"]
    assert match_codes("zzzzqqq", codes) == []


def test_find_text_exact_and_fuzzy() -> None:
    texts = ["My wages were taken.", "Nothing here.", "WAGES, wages"]
    assert [(h.index, h.spans) for h in find_text("wages", texts)] == [(0, ((3, 8),)), (2, ((0, 5), (7, 12)))]
    assert [h.index for h in find_text("wagez", texts, fuzzy=True)] == [0, 2]
    assert parse_query(" ~wagez ") == ("wagez", True) and parse_query("wages") == ("wages", False)


@given(st.lists(st.text(max_size=30), max_size=8), st.text(min_size=1, max_size=4))
def test_exact_hits_are_exactly_the_case_insensitive_matches(texts: list[str], query: str) -> None:
    hits = find_text(query, texts)
    assert [h.index for h in hits] == [i for i, t in enumerate(texts) if query.lower() in t.lower()] or any(
        len(c.lower()) != len(c) for c in query + "".join(texts)
    )
    for h in hits:
        for a, b in h.spans:
            assert texts[h.index][a:b].lower() == query.lower() or len(query.lower()) != len(query)
