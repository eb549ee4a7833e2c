"""`qcode check`'s service: a sound project passes; each broken invariant is one named problem."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from qcode.coding.service import ensure_coder, set_segment_memo, toggle_coding
from qcode.coding.types import CodeInfo, SegmentRef
from qcode.store.check import check_project
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from tests.coding.sample import Sample, fill_sample


@pytest.fixture
def coded(store: Store) -> tuple[Store, Sample]:
    """The sample project with ann's codings and a memo, made through the coding service."""
    with transaction(store.sessions) as s:
        sample = fill_sample(s, coders=())
        ann = ensure_coder(s, "ann")
        wages = CodeInfo(sample.codes["wages"], "", "wages", "Wages withheld")
        for ordinal in (1, 2, 3):
            toggle_coding(s, ann, SegmentRef(sample.segments[("A", ordinal)], "A", ordinal), wages)
        toggle_coding(s, ann, SegmentRef(sample.segments[("A", 3)], "A", 3), wages)  # and off again
        set_segment_memo(s, ann, SegmentRef(sample.segments[("B", 1)], "B", 1), "locked in")
    return store, sample


def _problems(store: Store) -> list[str]:
    with transaction(store.readers) as s:
        return check_project(s).problems


def test_a_sound_project_has_no_problems(coded: tuple[Store, Sample]) -> None:
    store, _ = coded
    with transaction(store.readers) as s:
        report = check_project(s)
    assert report.problems == []
    assert report.counts["codings"] == 2 and report.counts["memos"] == 1 and report.counts["events"] == 6


def test_a_segment_that_no_longer_matches_its_text_is_named(coded: tuple[Store, Sample]) -> None:
    store, sample = coded
    with transaction(store.sessions) as s:
        edit = text("UPDATE segments SET text = 'edited by hand' WHERE id = :i")
        s.execute(edit, {"i": sample.segments[("B", 2)]})
    assert [p.split(":")[0] for p in _problems(store)] == ["segment span"]


def test_a_coding_lost_without_an_event_is_named(coded: tuple[Store, Sample]) -> None:
    store, sample = coded
    with transaction(store.sessions) as s:  # as if a commit went into a deleted write-ahead log
        s.execute(text("DELETE FROM codings WHERE segment_id = :i"), {"i": sample.segments[("A", 2)]})
    problems = _problems(store)
    assert len(problems) == 1 and "was recorded" in problems[0] and "A segment 2, coder ann" in problems[0]


def test_a_memo_whose_text_differs_from_its_event_is_named(coded: tuple[Store, Sample]) -> None:
    store, _ = coded
    with transaction(store.sessions) as s:
        s.execute(text("UPDATE memos SET text = 'overwritten'"))
    problems = _problems(store)
    assert len(problems) == 1 and "differs from the text its last event" in problems[0]


def test_a_codebook_change_after_the_events_is_not_a_problem(coded: tuple[Store, Sample]) -> None:
    """A coding removed wholesale (code merged away, document re-imported) has no event of its own."""
    store, sample = coded
    with transaction(store.sessions) as s:
        s.execute(text("DELETE FROM codings WHERE segment_id = :i"), {"i": sample.segments[("A", 2)]})
        from qcode.store.events import log_event

        log_event(s, "system", "codebook.merge", code="wages", into="debt", moved=1)
    assert _problems(store) == []
