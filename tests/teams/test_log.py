"""`qcode log`: the history by coder and time, said in sentences, on both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.errors import InputError
from qcode.project.log import describe, parse_since, read_log
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from tests.coding.sample import fill_sample
from tests.teams.projects import memo, toggle

NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3d", NOW - timedelta(days=3)),
        ("12h", NOW - timedelta(hours=12)),
        ("30m", NOW - timedelta(minutes=30)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T14:30+02:00", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
    ],
)
def test_since_takes_dates_times_and_ages(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "3 days", "-1d", "2024-13-01"])
def test_since_refuses_anything_else_with_the_forms_it_takes(text: str) -> None:
    with pytest.raises(InputError, match="give a date"):
        parse_since(text, NOW)


def test_every_event_reads_as_a_sentence() -> None:
    assert describe("coding.add", {"code": "wages", "document": "A", "segment": 3, "via": "undo"}) == (
        "applied wages to A #3 (undo)"
    )
    assert describe("something.new", {"a": 1, "nested": {"x": 1}}) == "something.new a=1"


def test_the_log_by_coder_since_and_newest_first_cut(store: Store) -> None:
    with transaction(store.sessions) as s:
        fill_sample(s, coders=("alice",))
    toggle(store, "alice", "A", 1, "wages")
    toggle(store, "bob", "A", 2, "wages")
    memo(store, "bob", "A", 2, "late pay")
    with store.sessions() as s:
        bob = read_log(s, coder="bob")
        assert [e.text for e in bob] == [
            "registered coder bob",
            "applied wages to A #2",
            "memo on A #2: 'late pay'",
        ]
        assert [e.action for e in read_log(s, limit=2)] == ["coding.add", "memo.set"]
        assert read_log(s, since=datetime.now(UTC) + timedelta(minutes=1)) == []


def test_log_command_prints_lines_and_json(sqlite_store: Store) -> None:
    with transaction(sqlite_store.sessions) as s:
        fill_sample(s)
    toggle(sqlite_store, "alice", "A", 1, "wages")
    db = sqlite_store.url.removeprefix("sqlite:///")
    result = CliRunner().invoke(app, ["--db", db, "log", "--coder", "ALICE"])
    assert result.exit_code == 0 and result.output.rstrip().endswith("alice  applied wages to A #1")
    data = json.loads(CliRunner().invoke(app, ["--db", db, "log", "--json", "--since", "1h"]).output)
    assert [e["action"] for e in data] == ["coding.add"]
