"""The suggester on hand-made codebooks and codings: cold start, learning, forgetting, reasons."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.suggest.model import CodeCard, Example, Settings, Suggester

CARDS = (
    CodeCard(
        "wages",
        "wages",
        "What the worker is paid and what is deducted from it.",
        "Amounts of pay, the share taken by the state, withheld wages.",
        "Our monthly wage is of 360 dirhams.",
        "A",
        ("salary", "pay", "wage", "deduction"),
    ),
    CodeCard(
        "movement",
        "movement",
        "Restrictions on leaving the work site or dormitory.",
        "Being confined to the complex, locked floors, fences, permission needed to go out.",
        "We can only leave the working complex once a month.",
        "R",
        ("leave the complex", "confined", "fence", "locked"),
    ),
    CodeCard(
        "health",
        "health",
        "Illness, injury, accidents and access to treatment.",
        "Accidents and deaths at work, sickness, treatment.",
        "I have a lot of back pains.",
        "E",
        ("accident", "injury", "sick", "medicine"),
    ),
)


def ex(segment_id: int, text: str, document: str = "D", context: str = "") -> Example:
    return Example(segment_id, document, segment_id, text, context)


def test_with_nothing_coded_the_codebook_suggests_with_its_keyword() -> None:
    got = Suggester(CARDS).suggest("They took half of my salary every month.")
    assert got[0].code == "wages"
    assert got[0].reasons[0].kind == "keyword" and got[0].reasons[0].detail == "salary"
    assert got[0].reasons[0].describe() == "keyword “salary”"


def test_the_reason_is_a_keyword_else_the_words_shared_with_the_entry() -> None:
    got = Suggester(CARDS).suggest("There were many accidents and people got hurt.")
    assert got[0].code == "health"
    assert got[0].reasons[0].kind == "keyword"  # "accident"
    words = Suggester(CARDS).suggest("Nobody could go out without permission.")
    assert words[0].code == "movement"
    assert words[0].reasons[0].kind == "codebook" and "“permission”" in words[0].reasons[0].detail


def test_a_coding_teaches_and_is_named_as_the_reason() -> None:
    model = Suggester(CARDS)
    before = model.scores("The boss kept our passports in his drawer.")
    model.set_codes(ex(7, "The boss kept our passports in his drawer all year.", "R"), ["movement"])
    after = model.scores("The boss kept our passports in his drawer.")
    assert after["movement"] > before["movement"]
    top = model.suggest("The boss kept our passports in his drawer.")[0]
    assert top.code == "movement"
    reason = top.reasons[0]
    assert (reason.kind, reason.document, reason.ordinal) == ("segment", "R", 7)
    assert reason.describe().startswith("like your R 7: “The boss kept our passports")


def test_a_segment_is_never_its_own_reason_and_its_codes_are_not_suggested() -> None:
    model = Suggester(CARDS)
    model.set_codes(ex(1, "The boss kept our passports."), ["movement"])
    got = model.suggest("The boss kept our passports.", segment_id=1)
    assert all(r.ordinal != 1 for s in got for r in s.reasons)
    others = model.suggest("The boss kept our passports.", exclude=["movement"])
    assert "movement" not in [s.code for s in others]


def test_text_sharing_nothing_gets_no_suggestion() -> None:
    model = Suggester(CARDS)
    assert model.suggest("") == []
    assert model.suggest("Zebra quartz.") == []


def test_limit_and_threshold() -> None:
    model = Suggester(CARDS, settings=Settings(limit=1))
    assert len(model.suggest("An accident at the fence cost me my wage.")) == 1
    assert len(model.suggest("An accident at the fence cost me my wage.", limit=3)) == 3
    strict = Suggester(CARDS, settings=Settings(min_score=0.99))
    assert strict.suggest("An accident at the fence cost me my wage.") == []


def test_unknown_codes_are_ignored_and_uncoding_forgets() -> None:
    model = Suggester(CARDS)
    model.set_codes(ex(1, "A text."), ["no-such-code"])
    assert model.coded_count() == 0
    model.set_codes(ex(2, "Paid late again."), ["wages", "health"])
    assert model.coded_count() == 1
    model.set_codes(ex(2, "Paid late again."), [])
    assert model.coded_count() == 0


def test_only_the_latest_codings_per_code_are_kept() -> None:
    model = Suggester(CARDS, settings=Settings(per_code=2))
    for i, text in enumerate(["Paid late.", "Paid little.", "Paid nothing at all."]):
        model.set_codes(ex(i, text), ["wages"])
    assert model.coded_count() == 2
    found = model.suggest("Paid nothing at all, again.")
    reasons = [r.ordinal for s in found for r in s.reasons if r.ordinal]
    assert 0 not in reasons


TEXTS = st.sampled_from(
    [
        "They took my salary.",
        "We could not leave the complex.",
        "He was sick for a month.",
        "The fence was locked at night.",
        "Food and rice were scarce.",
        "",
    ]
)

KEYS = st.sets(st.sampled_from(["wages", "movement", "health"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(TEXTS, KEYS), max_size=6), TEXTS)
def test_coding_then_uncoding_leaves_the_scores_as_they_were(
    codings: list[tuple[str, set[str]]], probe: str
) -> None:
    model = Suggester(CARDS, background=["They took my salary."])
    fresh = model.scores(probe)
    for i, (text, keys) in enumerate(codings):
        model.set_codes(ex(i, text), keys)
    for i, (text, _keys) in enumerate(codings):
        model.set_codes(ex(i, text), [])
    assert model.coded_count() == 0
    again = model.scores(probe)
    assert again.keys() == fresh.keys()
    assert all(abs(again[k] - fresh[k]) < 1e-9 for k in fresh)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(TEXTS, KEYS), max_size=6), TEXTS)
def test_learning_one_by_one_equals_learning_at_once(codings: list[tuple[str, set[str]]], probe: str) -> None:
    at_once = Suggester(CARDS, coded=[(ex(i, t), k) for i, (t, k) in enumerate(codings)])
    background = [t for t, _k in codings]
    one_by_one = Suggester(CARDS, background=background)
    for i, (text, keys) in enumerate(codings):
        one_by_one.set_codes(ex(i, text), keys)
    a, b = at_once.scores(probe), one_by_one.scores(probe)
    assert all(abs(a[k] - b[k]) < 1e-9 for k in a)
    assert all(0.0 <= v <= 1.0 + 1e-9 for v in a.values())
