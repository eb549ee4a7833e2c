"""`merge`: copies of one project coded apart come together, once, by stable identities."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Document, Event, Segment
from qcode.teams.merge import MergeConflictError, MergeOptions, MergeReport, merge_snapshot
from qcode.teams.source import load_source
from tests.coding.sample import fill_sample
from tests.teams.projects import codings, counts, keys, laptop, memo, memos, toggle


@pytest.fixture
def here(store: Store) -> Store:
    """The sample project (alice and bob registered, nothing coded) on the test's backend."""
    with transaction(store.sessions) as s:
        fill_sample(s)
    return store


@pytest.fixture
def there(here: Store, sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A copy of ``here`` on another laptop (a SQLite file)."""
    with laptop(here, sqlite_template, tmp_path / "laptop.db") as other:
        yield other


def merge(here: Store, there: Store | Path, **options: Any) -> MergeReport:
    source = there if isinstance(there, Path) else there.url
    snap = load_source(str(source))
    with transaction(here.sessions) as s:
        return merge_snapshot(s, snap, MergeOptions(**options), actor="tester")


def _by(report: MergeReport) -> dict[str, tuple[int, int]]:
    return {c.name: (c.codings_added, c.codings_removed) for c in report.coders}


def test_work_done_apart_merges_once_with_its_guids_and_events(here: Store, there: Store) -> None:
    toggle(here, "alice", "A", 1, "wages")
    toggle(there, "bob", "A", 1, "wages")
    toggle(there, "bob", "A", 2, "hours")
    memo(there, "bob", "A", 2, "long shifts")
    report = merge(here, there)
    assert _by(report) == {"bob": (2, 0)}  # alice did nothing there
    assert codings(there) <= codings(here)  # the same rows, GUIDs kept
    assert memos(here) == {("bob", "A", 2): "long shifts"}
    with here.sessions() as s:
        theirs = {e.guid for e in s.scalars(select(Event)) if e.actor == "bob"}
    with there.sessions() as s:
        assert theirs == {e.guid for e in s.scalars(select(Event)) if e.actor == "bob"}
    before = counts(here)
    again = merge(here, there)
    assert not again.changed and counts(here) == before


def test_merging_both_ways_converges(here: Store, there: Store) -> None:
    toggle(here, "alice", "A", 1, "wages")
    toggle(there, "bob", "B", 1, "recruit")
    merge(here, there)
    merge_back = merge(there, here)
    assert _by(merge_back)["alice"] == (1, 0)
    assert codings(here) == codings(there)


def test_a_removal_travels_and_an_older_copy_does_not_bring_it_back(here: Store, there: Store) -> None:
    toggle(there, "bob", "A", 1, "wages")
    toggle(there, "bob", "A", 3, "wages")
    merge(here, there)
    toggle(there, "bob", "A", 1, "wages")  # bob takes one back on his laptop
    report = merge(here, there)
    assert _by(report)["bob"] == (0, 1)
    assert keys(here) == {("bob", "A", 3, "wages")}
    toggle(here, "bob", "A", 3, "wages")  # …and the other one where the project lives
    report = merge(here, there)  # his laptop still has it, from before the removal
    assert [c.kept_removed for c in report.coders if c.name == "bob"] == [1]
    assert keys(here) == set()


def test_a_coding_made_again_after_its_removal_comes_back(here: Store, there: Store) -> None:
    toggle(there, "bob", "A", 1, "wages")
    merge(here, there)
    toggle(here, "bob", "A", 1, "wages")  # removed here…
    toggle(there, "bob", "A", 1, "wages")  # …removed there, then applied again (a new GUID)
    toggle(there, "bob", "A", 1, "wages")
    merge(here, there)
    assert keys(here) == {("bob", "A", 1, "wages")}


def test_memos_take_the_later_change_and_deletions_travel(here: Store, there: Store) -> None:
    memo(here, "alice", "A", 1, "first")
    memo(there, "alice", "A", 1, "first")  # not the same memo row: two GUIDs, one key
    memo(there, "alice", "A", 1, "second thoughts")
    merge(here, there)
    assert memos(here) == {("alice", "A", 1): "second thoughts"}
    memo(there, "bob", "B", 2, "ask again")
    merge(here, there)
    memo(there, "bob", "B", 2, "")  # deleted on the laptop
    report = merge(here, there)
    assert [c.memos_removed for c in report.coders if c.name == "bob"] == [1]
    assert ("bob", "B", 2) not in memos(here)


def test_the_same_name_with_another_guid_is_a_conflict_listed_with_both_ways_out(
    here: Store, there: Store
) -> None:
    with transaction(there.sessions) as s:
        s.execute(
            update(Coder).where(Coder.name == "bob").values(guid="0bb0bb00-0000-4000-8000-000000000000")
        )
    toggle(there, "bob", "A", 1, "wages")
    before = counts(here)
    with pytest.raises(MergeConflictError) as caught:
        merge(here, there)
    message = str(caught.value)
    assert (
        "coder 'bob'" in message
        and "--same-coder bob" in message
        and "--rename-coder bob=NEW_NAME" in message
    )
    assert counts(here) == before
    renamed = merge(here, there, rename_coders={"bob": "bob-2"})
    assert _by(renamed) == {"bob-2 (there: bob)": (1, 0)}
    assert not merge(here, there).changed  # their GUID is bob-2's now


def test_declaring_the_same_person_is_remembered(here: Store, there: Store) -> None:
    with transaction(there.sessions) as s:
        s.execute(
            update(Coder).where(Coder.name == "bob").values(guid="0bb0bb00-0000-4000-8000-000000000000")
        )
    toggle(there, "bob", "A", 1, "wages")
    first = merge(here, there, same_coders=("bob",))
    assert [(c.name, c.how, c.codings_added) for c in first.coders] == [("bob", "declared same person", 1)]
    toggle(there, "bob", "A", 2, "wages")
    assert _by(merge(here, there))["bob"] == (1, 0)  # no option needed any more
    assert keys(here) == {("bob", "A", 1, "wages"), ("bob", "A", 2, "wages")}


def test_a_missing_code_is_a_conflict_or_added_with_its_parent(here: Store, there: Store) -> None:
    with transaction(there.sessions) as s:
        money = s.scalar(select(Code.id).where(Code.key == "money"))
        s.add(Code(key="fines", name="Fines", parent_id=money))
        s.add(Code(key="newgroup", name="New group"))
        s.flush()
        group = s.scalar(select(Code.id).where(Code.key == "newgroup"))
        s.add(Code(key="leaf", name="Leaf", parent_id=group))
    toggle(there, "bob", "A", 1, "fines")
    toggle(there, "bob", "A", 2, "leaf")
    with pytest.raises(MergeConflictError) as caught:
        merge(here, there)
    assert len(caught.value.conflicts) == 2 and "--add-codes" in str(caught.value)
    report = merge(here, there, add_codes=True)
    added = report.codes_added
    assert sorted(added) == ["Fines", "Leaf", "New group"] and added.index("New group") < added.index("Leaf")
    assert keys(here) == {("bob", "A", 1, "fines"), ("bob", "A", 2, "leaf")}
    with here.sessions() as s:
        leaf = s.scalar(select(Code).where(Code.key == "leaf"))
        assert leaf is not None and leaf.parent_id == s.scalar(select(Code.id).where(Code.key == "newgroup"))


def test_documents_and_segments_that_differ_are_conflicts_or_skipped(here: Store, there: Store) -> None:
    toggle(there, "bob", "A", 1, "wages")
    toggle(there, "bob", "B", 1, "wages")
    toggle(there, "bob", "minister", 2, "wages")
    with transaction(there.sessions) as s:
        s.execute(update(Document).where(Document.name == "A").values(content_hash="changed"))
        c_id = s.scalar(select(Document.id).where(Document.name == "minister"))
        s.execute(
            update(Segment)
            .where(Segment.document_id == c_id, Segment.ordinal == 2)
            .values(end=Segment.end - 1)
        )
    before = counts(here)
    with pytest.raises(MergeConflictError) as caught:
        merge(here, there)
    subjects = sorted(c.subject for c in caught.value.conflicts)
    assert subjects == ["document 'A'", "document 'minister'"]
    text = str(caught.value)
    assert (
        "its text differs here" in text
        and "segmented differently here" in text
        and "--skip-unmatched" in text
    )
    assert counts(here) == before
    report = merge(here, there, skip_unmatched=True)
    assert report.skipped == {"codings on A": 1, "codings on minister": 1}
    assert keys(here) == {("bob", "B", 1, "wages")}


def test_a_consensus_coder_merges_only_into_a_consensus_coder(here: Store, there: Store) -> None:
    toggle(there, "alice", "A", 1, "wages")
    with transaction(there.sessions) as s:
        s.execute(update(Coder).where(Coder.name == "alice").values(role="consensus"))
    before = counts(here)
    with pytest.raises(MergeConflictError, match="is a consensus there but 'alice' is a coder here"):
        merge(here, there)
    assert counts(here) == before


def test_only_events_about_the_work_merged_come_over(here: Store, there: Store) -> None:
    """Their project's own history (documents imported, a codebook loaded) stays theirs."""
    from qcode.store.events import log_event

    with transaction(there.sessions) as s:
        log_event(s, "system", "document.import", document="A")
        log_event(s, "system", "codebook.load", name="theirs", version="2")
    toggle(there, "bob", "A", 1, "wages")
    memo(there, "bob", "A", 1, "clear")
    with here.sessions() as s:
        before = set(s.scalars(select(Event.guid)))
    report = merge(here, there)
    with here.sessions() as s:
        came = [e.action for e in s.scalars(select(Event).where(Event.guid.not_in(before)))]
    assert sorted(came) == ["coding.add", "memo.set", "merge"] and report.events_added == 2
