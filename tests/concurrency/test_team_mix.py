"""Coders coding, undoing and redoing on screen while others adjudicate, merge a coder file, read the
log and export, all at once on one project (SQLite file and PostgreSQL): every acknowledged coding is
there exactly once, the log replays to the tables, the consensus follows its decisions, and the merged
coder's work is there once."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.store.migrate import Store, open_store
from qcode.teams.adjudicate import read_decisions
from qcode.teams.coderfile import read_coder_file
from tests.concurrency.harness import Plan, prepare_project, run_mix
from tests.concurrency.ledger import replay_events, verify
from tests.teams.projects import keys, laptop, toggle


@pytest.fixture
def team(store: Store, sqlite_template: Path, tmp_path: Path) -> tuple[str, Path]:
    """The harness project on the test's backend (closed: its URL), and a coder file of 'remote'."""
    prepare_project(store)
    with laptop(store, sqlite_template, tmp_path / "remote.db") as other:
        for doc, ordinal, code in (("A", 1, "debt"), ("A", 4, "wages"), ("B", 3, "surveil")):
            toggle(other, "remote", doc, ordinal, code)
        result = CliRunner().invoke(
            app, ["--db", other.url, "export", "coder", "remote", str(tmp_path / "remote.json")]
        )
        assert result.exit_code == 0, result.output
    store.close()
    return store.url, tmp_path / "remote.json"


def _commands(coder_file: Path, folder: Path) -> tuple[tuple[str, ...], ...]:
    return (
        ("adjudicate", "--coders", "coder0,coder1", "--prefer", "coder0"),
        ("merge", str(coder_file)),
        ("log", "--limit", "20"),
        ("agreement", "--coders", "coder0,coder1", "--boot", "0"),
        ("export", "segments", "--coders", "consensus", "--out", str(folder / "consensus.csv"), "--force"),
    )


@pytest.mark.slow
def test_coding_adjudicating_and_merging_at_once_loses_nothing(
    team: tuple[str, Path], tmp_path: Path
) -> None:
    url, coder_file = team
    report, _ = run_mix(url, Plan(coders=3, commands=_commands(coder_file, tmp_path)))
    print(report.summary())
    assert report.command_failures == []
    assert report.commands["adjudicate ok"] >= 1 and report.commands["merge ok"] >= 1
    assert report.ledger.counts["toggle"] > 5 and report.ledger.counts["undo"] > 0
    store = open_store(url)
    try:
        with store.readers() as s:
            assert verify(s, report.ledger) == []
            consensus_guid = s.execute(_guid_of("consensus")).scalar_one()
            decisions = read_decisions(s, consensus_guid)
            replayed, _ = replay_events(s)
        held = {k[1:] for k in keys(store) if k[0] == "consensus"}
        with store.readers() as s:
            names = _case_names(s, decisions)
        for case, present in names.items():
            assert (case in held) == present, case
        logged = {k[1:] for k in replayed if k[0] == "consensus"}
        assert held == logged  # every consensus coding came with its adjudication event
        remote = {k[1:] for k in keys(store) if k[0] == "remote"}
        assert remote == {("A", 1, "debt"), ("A", 4, "wages"), ("B", 3, "surveil")}
        assert len(read_coder_file(coder_file).codings) == len(remote)
    finally:
        store.close()


def _guid_of(name: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from qcode.store.models import Coder

    return select(Coder.guid).where(Coder.name == name)


def _case_names(session, decisions):  # type: ignore[no-untyped-def]
    """(document, ordinal, code key) → present, for each decided case."""
    from sqlalchemy import select

    from qcode.store.models import Code, Document, Segment

    segs = {
        sid: (doc, ordinal)
        for sid, doc, ordinal in session.execute(
            select(Segment.id, Document.name, Segment.ordinal).join(
                Document, Document.id == Segment.document_id
            )
        )
    }
    codes = {cid: key for cid, key in session.execute(select(Code.id, Code.key))}
    return {(*segs[seg], codes[code]): d.present for (seg, code), d in decisions.items()}
