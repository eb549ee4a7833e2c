"""`qcode merge` and `qcode export coder` through the real command, and coder files from elsewhere."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from qcode.cli.main import app
from qcode.errors import InputError
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.teams.coderfile import read_coder_file
from tests.coding.sample import fill_sample
from tests.teams.projects import counts, keys, laptop, memo, memos, toggle

runner = CliRunner()


@pytest.fixture
def here(sqlite_store: Store) -> Store:
    """The sample project on SQLite."""
    with transaction(sqlite_store.sessions) as s:
        fill_sample(s)
    return sqlite_store


@pytest.fixture
def there(here: Store, sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A laptop copy of ``here``."""
    with laptop(here, sqlite_template, tmp_path / "laptop.db") as other:
        yield other


def path_of(store: Store) -> str:
    return store.url.removeprefix("sqlite:///")


def run(store: Store, *args: str) -> Result:
    return runner.invoke(app, ["--db", path_of(store), *args])


def test_merge_prints_what_it_added_per_coder_and_then_nothing(here: Store, there: Store) -> None:
    toggle(there, "bob", "A", 1, "wages")
    toggle(there, "bob", "A", 2, "wages")
    memo(there, "bob", "A", 2, "paid late")
    dry = run(here, "merge", path_of(there), "--dry-run")
    assert dry.exit_code == 0 and "would merge" in dry.output and keys(here) == set()
    result = run(here, "merge", path_of(there))
    assert result.exit_code == 0, result.output
    assert "bob (same GUID): +2 codings, memos +1 ~0 -0" in result.output
    status = run(here, "status").output
    assert "codings       2\n" in status and "memos         1\n" in status, status
    again = run(here, "merge", path_of(there))
    assert again.exit_code == 0 and "nothing to merge" in again.output


def test_skipped_work_is_counted_in_words(here: Store, there: Store) -> None:
    from sqlalchemy import update

    from qcode.store.models import Document

    toggle(there, "bob", "A", 1, "wages")
    toggle(there, "bob", "minister", 1, "wages")
    toggle(there, "bob", "minister", 2, "wages")
    with transaction(there.sessions) as s:
        for name in ("A", "minister"):  # their text differs here: their codings have nowhere to go
            s.execute(update(Document).where(Document.name == name).values(content_hash=f"changed {name}"))
    result = run(here, "merge", path_of(there), "--skip-unmatched")
    assert result.exit_code == 0, result.output
    checked = run(here, "check")
    assert checked.exit_code == 0, checked.output
    assert "skipped: 1 coding on A\n" in result.output
    assert "skipped: 2 codings on minister\n" in result.output
    as_json = run(here, "merge", path_of(there), "--skip-unmatched", "--dry-run", "--json")
    assert json.loads(as_json.output)["skipped"] == {"codings on A": 1, "codings on minister": 2}


def test_conflicts_exit_4_and_list_every_way_out(here: Store, there: Store, tmp_path: Path) -> None:
    from sqlalchemy import update

    from qcode.store.models import Coder

    with transaction(there.sessions) as s:
        s.execute(
            update(Coder).where(Coder.name == "bob").values(guid="0bb0bb00-0000-4000-8000-000000000000")
        )
    toggle(there, "bob", "A", 1, "wages")
    before = counts(here)
    result = run(here, "merge", path_of(there))
    assert result.exit_code == 4 and "--same-coder bob" in result.output and counts(here) == before
    bad = run(here, "merge", path_of(there), "--rename-coder", "bob")
    assert bad.exit_code == 2 and "THEIR_NAME=NEW_NAME" in bad.output
    ok = run(here, "merge", path_of(there), "--rename-coder", "bob=robert")
    assert ok.exit_code == 0 and "robert (there: bob) (renamed): +1 coding" in ok.output


def test_merging_a_project_into_itself_or_a_missing_file_is_refused(here: Store, tmp_path: Path) -> None:
    itself = run(here, "merge", path_of(here))
    assert itself.exit_code == 2 and "is this project itself" in itself.output
    missing = run(here, "merge", str(tmp_path / "nope.db"))
    assert missing.exit_code == 3 and "nope.db: no such file" in missing.output
    not_db = tmp_path / "notes.db"
    not_db.write_text("hello, not a database\n" * 100)
    refused = run(here, "merge", str(not_db))
    assert refused.exit_code == 3 and "not a qcode database" in refused.output


def test_a_coder_file_carries_one_coders_work_and_merges_once(
    here: Store, there: Store, tmp_path: Path
) -> None:
    toggle(there, "bob", "A", 1, "wages")
    toggle(there, "alice", "A", 1, "hours")
    memo(there, "bob", "B", 1, "dormitory")
    out = tmp_path / "bob.json"
    result = run(there, "export", "coder", "BOB", str(out))
    assert result.exit_code == 0 and "wrote bob's 1 coding, 1 memo and 2 events" in result.output
    snap = read_coder_file(out)
    assert [c.name for c in snap.coders] == ["bob"] and len(snap.codings) == 1
    assert {d.name for d in snap.documents} == {"A", "B"}
    assert run(there, "export", "coder", "bob", str(out)).exit_code == 4  # exists: --force
    merged = run(here, "merge", str(out))
    assert merged.exit_code == 0, merged.output
    assert keys(here) == {("bob", "A", 1, "wages")}  # alice's coding stayed on the laptop
    assert "nothing to merge" in run(here, "merge", str(out)).output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not JSON"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"[1, 2]", "top level: expected an object"),
        (b'{"format": "other"}', "not a qcode coder file"),
        (b'{"format": "qcode-coder", "version": 9}', "version 9"),
        (b'{"format": "qcode-coder", "version": 1, "coder": {"guid": "g", "name": ""}}', "coder.name"),
    ],
)
def test_bad_coder_files_name_the_file_and_field(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        read_coder_file(path)
    assert str(caught.value).startswith(str(path))


def test_a_field_deep_in_a_coder_file_is_named_by_its_path(there: Store, tmp_path: Path) -> None:
    toggle(there, "bob", "A", 1, "wages")
    toggle(there, "bob", "A", 2, "wages")
    out = tmp_path / "bob.json"
    assert run(there, "export", "coder", "bob", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["codings"][1]["segment"] = [9, 3]
    out.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"codings\[1\]\.segment: expected \[start, end\]"):
        read_coder_file(out)
    data["codings"][1]["segment"] = [0, 3]
    data["codings"][1]["created_at"] = "yesterday"
    out.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"codings\[1\]\.created_at: expected an ISO 8601 time"):
        read_coder_file(out)


def test_coders_lists_guids_roles_and_work(here: Store, there: Store) -> None:
    toggle(here, "bob", "A", 1, "wages")
    result = run(here, "coders", "--json")
    assert result.exit_code == 0
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert rows["bob"]["codings"] == 1 and rows["alice"]["role"] == "coder" and len(rows["bob"]["guid"]) == 36


def test_adjudicate_from_a_csv_and_by_a_rule_then_agreement_reports_kept_calls(
    here: Store, tmp_path: Path
) -> None:
    for who, doc, ordinal, key in [
        ("alice", "A", 1, "wages"),
        ("bob", "A", 2, "wages"),
        ("bob", "A", 3, "hours"),
    ]:
        toggle(here, who, doc, ordinal, key)
    cases = tmp_path / "cases.csv"
    listed = run(here, "adjudicate", "--write-cases", str(cases))
    assert listed.exit_code == 0 and "consensus for alice, bob: 0 of 3 decided" in listed.output
    rows = cases.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "document,segment,code,alice,bob,decision,note,text" and len(rows) == 4
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("document,segment,code,decision,note\nA,1,wages,alice,clear pay\n", encoding="utf-8")
    done = run(here, "adjudicate", "--decisions", str(decisions), "--prefer", "bob")
    assert done.exit_code == 0, done.output
    assert (
        "1 decided" in done.output
        and "--prefer bob: 2 decided" in done.output
        and "3 of 3 decided" in done.output
    )
    assert {k[1:] for k in keys(here) if k[0] == "consensus"} == {
        ("A", 1, "wages"),
        ("A", 2, "wages"),
        ("A", 3, "hours"),
    }
    agreement = run(here, "agreement", "--boot", "0")
    assert agreement.exit_code == 0, agreement.output
    assert "alice vs consensus: call kept in 1 of 3 decided cases (33%)" in agreement.output
    assert "Agreement between alice, bob on " in agreement.output  # the consensus is left out unless asked
    assert "alice, bob, consensus" in run(here, "agreement", "--boot", "0", "--with-consensus").output
    status = run(here, "adjudicate", "--status")
    assert status.exit_code == 0 and "3 of 3 decided" in status.output


def test_codings_import_cannot_write_the_consensus(here: Store, tmp_path: Path) -> None:
    toggle(here, "alice", "A", 1, "wages")
    toggle(here, "bob", "A", 2, "wages")
    before_status = counts(here)
    assert run(here, "adjudicate", "--status").exit_code == 0 and counts(here) == before_status  # reads only
    assert run(here, "adjudicate", "--prefer", "alice").exit_code == 0  # creates the consensus coder
    sneaky = tmp_path / "sneaky.csv"
    sneaky.write_text("document,segment,code,coder\nA,5,wages,consensus\n", encoding="utf-8")
    before = counts(here)
    result = run(here, "codings", "import", str(sneaky))
    assert result.exit_code == 2 and "only adjudication writes it" in result.output and counts(here) == before


def test_the_export_of_an_adjudicated_project_imports_back_unchanged(here: Store, tmp_path: Path) -> None:
    """docs/exports.md: the export's own file is accepted as is; the consensus rows in it change nothing."""
    toggle(here, "alice", "A", 1, "wages")
    toggle(here, "bob", "A", 2, "wages")
    memo(here, "bob", "A", 2, "paid late")
    assert run(here, "adjudicate", "--prefer", "alice").exit_code == 0
    out = tmp_path / "coded-segments.csv"
    assert run(here, "export", "segments", "--out", str(out)).exit_code == 0
    assert ",consensus," in out.read_text(encoding="utf-8")
    before = counts(here)
    result = run(here, "codings", "import", str(out))
    assert result.exit_code == 0, result.output
    assert "0 codings added" in result.output and counts(here)[:3] == before[:3]  # (the import is logged)
    changed = out.read_text(encoding="utf-8").replace("paid late", "paid later")
    edited = tmp_path / "edited.csv"
    edited.write_text(changed, encoding="utf-8")
    assert run(here, "codings", "import", str(edited)).exit_code == 0  # bob's memo: bob's row, may change
    header, *rows = out.read_text(encoding="utf-8").splitlines()
    theirs = next(row for row in rows if ",consensus," in row).replace(",wages,", ",hours,")
    (tmp_path / "more.csv").write_text(f"{header}\n{theirs}\n", encoding="utf-8")
    refused = run(here, "codings", "import", str(tmp_path / "more.csv"))  # a new consensus coding: refused
    assert refused.exit_code == 2 and "only adjudication writes it" in refused.output


def test_the_consensus_role_survives_a_qdpx_round_trip(here: Store, tmp_path: Path) -> None:
    """Adjudicate, export .qdpx (valid against Project.xsd), import it anew, merge it back."""
    import zipfile

    import xmlschema

    from tests.exchange.test_qdpx import XSD

    toggle(here, "alice", "A", 1, "wages")
    toggle(here, "bob", "A", 2, "wages")
    assert run(here, "adjudicate", "--prefer", "alice").exit_code == 0
    out = tmp_path / "adjudicated.qdpx"
    assert run(here, "export", "qdpx", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        xmlschema.XMLSchema(str(XSD)).validate(zf.read("project.qde"))
    new = tmp_path / "new.db"
    assert runner.invoke(app, ["--db", str(new), "init"]).exit_code == 0
    imported = runner.invoke(app, ["--db", str(new), "import", str(out)])
    assert imported.exit_code == 0, imported.output
    coders = runner.invoke(app, ["--db", str(new), "coders", "--json"])
    roles = {r["name"]: (r["role"], r["codings"]) for r in json.loads(coders.output)}
    assert roles["consensus"] == ("consensus", 1) and roles["alice"][0] == "coder"
    agreement = runner.invoke(app, ["--db", str(new), "agreement", "--boot", "0"])
    assert "Agreement between alice, bob on " in agreement.output, agreement.output
    before = counts(here)
    back = run(here, "merge", str(out))
    assert back.exit_code == 0, back.output
    assert counts(here) == before


def test_a_memo_edited_on_both_sides_is_a_conflict_until_a_side_is_chosen(
    here: Store, sqlite_template: Path, tmp_path: Path
) -> None:
    memo(here, "alice", "A", 1, "first")
    with laptop(here, sqlite_template, tmp_path / "laptop.db") as there:
        memo(there, "alice", "A", 1, "first LAPTOP EDIT")
        memo(here, "alice", "A", 1, "first DESKTOP EDIT")
        before = counts(here)
        refused = run(here, "merge", path_of(there))
        assert refused.exit_code == 4, refused.output
        assert "memo of alice on A #1: edited on both sides" in refused.output
        assert "--prefer-memos here|there" in refused.output and "'first LAPTOP EDIT'" in refused.output
        assert counts(here) == before and memos(here)[("alice", "A", 1)] == "first DESKTOP EDIT"
        assert run(here, "merge", path_of(there), "--prefer-memos", "sideways").exit_code == 2
        both = run(here, "merge", path_of(there), "--prefer-memos", "both")
        assert both.exit_code == 0, both.output
        assert memos(here)[("alice", "A", 1)] == (
            f"first DESKTOP EDIT\n\n--- merged from {path_of(there)} ---\nfirst LAPTOP EDIT"
        )
        again = run(here, "merge", path_of(there))  # the laptop's edit is known here now
        assert again.exit_code == 0 and "nothing to merge" in again.output, again.output


def test_a_coder_file_from_another_project_says_so_before_its_conflicts(
    here: Store, sqlite_template: Path, tmp_path: Path
) -> None:
    from qcode.store.base import new_guid
    from qcode.store.migrate import open_store
    from qcode.store.models import Setting

    with transaction(here.sessions) as s:
        s.merge(Setting(key="project_guid", value=new_guid()))
    shutil.copy(sqlite_template, tmp_path / "elsewhere.db")
    elsewhere = open_store(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    try:
        with transaction(elsewhere.sessions) as s:  # another `qcode init`: its own project GUID
            s.merge(Setting(key="project_guid", value=new_guid()))
            fill_sample(s)
        toggle(elsewhere, "bob", "A", 1, "wages")
        out = tmp_path / "bob.json"
        assert run(elsewhere, "export", "coder", "bob", str(out)).exit_code == 0
    finally:
        elsewhere.close()
    result = run(here, "merge", str(out))
    assert result.exit_code == 4
    first = result.output.splitlines()[0]
    assert f"{out}: comes from a different project (project " in first, result.output
    assert "conflicts, so nothing was merged" in result.output.splitlines()[1]


def test_decisions_name_the_coder_at_this_machine_else_the_consensus(
    here: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import select

    from qcode.store.models import Event

    toggle(here, "alice", "A", 1, "wages")
    toggle(here, "bob", "A", 2, "wages")
    monkeypatch.delenv("QCODE_CODER", raising=False)
    monkeypatch.setenv("QCODE_CODER_FILE", str(tmp_path / "nobody"))
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("document,segment,code,decision\nA,1,wages,alice\n", encoding="utf-8")
    assert run(here, "adjudicate", "--decisions", str(decisions)).exit_code == 0
    (tmp_path / "coder").write_text("judith\n", encoding="utf-8")  # remembered by the coding screen
    monkeypatch.setenv("QCODE_CODER_FILE", str(tmp_path / "coder"))
    decisions.write_text("document,segment,code,decision\nA,2,wages,none\n", encoding="utf-8")
    assert run(here, "adjudicate", "--decisions", str(decisions)).exit_code == 0
    with here.sessions() as s:
        decided = select(Event.actor).where(Event.action == "adjudication.decide").order_by(Event.id)
        actors = list(s.scalars(decided))
    assert actors == ["consensus", "judith"]
    both = tmp_path / "both.csv"
    both.write_text("document,segment,code,decision\nA,1,wages,both\n", encoding="utf-8")
    refused = run(here, "adjudicate", "--decisions", str(both))
    assert refused.exit_code == 2 and "bob did not, so 'both' contradicts itself" in refused.output
