"""Writers wait for each other; readers never make them wait; one coder's two sessions keep one memo."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text

from qcode.coding.service import ensure_coder, set_segment_memo
from qcode.coding.types import CoderRef, SegmentRef
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Event, Memo
from tests.coding.sample import Sample, fill_sample


@pytest.fixture
def filled(store: Store) -> tuple[Store, Sample, CoderRef]:
    with transaction(store.sessions) as s:
        sample = fill_sample(s, coders=())
        coder = ensure_coder(s, "ann")
    return store, sample, coder


def _ref(sample: Sample, ordinal: int = 1) -> SegmentRef:
    return SegmentRef(sample.segments[("A", ordinal)], "A", ordinal)


@contextmanager
def _writer_holding_the_lock(store: Store, seconds: float) -> Iterator[threading.Thread]:
    """Another process's write on a SQLite file: holds the lock, adds coder bob, commits after ``seconds``."""
    path = store.url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO coders (guid, name, created_at, role) VALUES ('g', 'bob', '2024', 'coder')")

    def commit_later() -> None:
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=commit_later)
    thread.start()
    try:
        yield thread
    finally:
        thread.join()


SQLITE = pytest.mark.parametrize("backend", ["sqlite"])
POSTGRESQL = pytest.mark.parametrize("backend", ["postgresql"])


@SQLITE
def test_a_memo_save_that_reads_first_waits_for_the_other_writer(
    filled: tuple[Store, Sample, CoderRef],
) -> None:
    """``BEGIN IMMEDIATE``: the save takes the lock before it reads, so the busy timeout covers it.

    With a deferred ``BEGIN`` the save would read, wait for the writer, and then be refused at once
    (its snapshot is stale once the other transaction commits).
    """
    store, sample, coder = filled
    with _writer_holding_the_lock(store, 0.5), transaction(store.sessions) as s:
        op = set_segment_memo(s, coder, _ref(sample), "seen while bob imported")
    assert op is not None
    with store.sessions() as s:
        assert s.scalar(select(Memo.text)) == "seen while bob imported"


@SQLITE
def test_reading_never_waits_for_a_writer(filled: tuple[Store, Sample, CoderRef]) -> None:
    store, _, _ = filled
    with _writer_holding_the_lock(store, 1.5):
        started = time.monotonic()
        with transaction(store.readers) as s:
            assert s.scalar(text("SELECT count(*) FROM coders")) == 1  # bob is not committed yet
        assert time.monotonic() - started < 1.0


@POSTGRESQL
def test_a_reader_cannot_write_on_postgresql(filled: tuple[Store, Sample, CoderRef]) -> None:
    store, _, _ = filled
    with pytest.raises(Exception, match="read-only transaction"), transaction(store.readers) as s:
        s.execute(text("DELETE FROM coders"))


@POSTGRESQL
def test_one_coder_saving_from_two_sessions_keeps_one_memo(filled: tuple[Store, Sample, CoderRef]) -> None:
    """PostgreSQL, READ COMMITTED: both sessions see no memo and insert; the second becomes an update.

    (SQLite serialises the two saves: each takes the write lock before it reads.)
    """
    store, sample, coder = filled
    first = store.sessions()
    first.begin()
    set_segment_memo(first, coder, _ref(sample), "from the laptop")  # inserted, not yet committed
    result: dict[str, object] = {}

    def second_session() -> None:
        try:
            with transaction(store.sessions) as s:
                result["op"] = set_segment_memo(s, coder, _ref(sample), "from the desktop")
        except Exception as exc:  # the test asserts there is none
            result["error"] = exc

    thread = threading.Thread(target=second_session)
    thread.start()
    time.sleep(0.5)  # the second session now waits on the first one's row in the unique index
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert "error" not in result
    with store.sessions() as s:
        memos = s.execute(select(Memo.guid, Memo.text)).all()
        assert [m.text for m in memos] == ["from the desktop"]
        events = s.execute(select(Event.payload).where(Event.action == "memo.set").order_by(Event.id)).all()
        assert [e.payload["memo"] for e in events] == [memos[0].guid] * 2
        assert s.scalar(select(func.count()).select_from(Memo)) == 1
