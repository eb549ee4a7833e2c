"""`qcode agreement` and `qcode disagreements` through Typer's runner on tiny hand-built projects.

The main project: D1 has 10 segments (passages of 5 and 5), D2 has 3. alice coded D1 and D2, bob only D1,
so the compared units are D1's 10 segments (bob is missing on D2's, which count for no figure).

    Debt:       alice on D1 s1 s2 s3 s4; bob on D1 s1 s2 s3 s5
    Hours:      nobody
    Everywhere: alice and bob on every segment they coded

Debt by hand, on D1's 10 segments: both apply on 3, both leave it on 5 → p_a = 8/10 = 0.8. Each
coder's share of "applied" is over the same 10 units (D2's segments, which only alice coded, move nothing):
  Cohen's κ: alice 4/10, bob 4/10 → p_e = 0.4² + 0.6² = 0.52 → κ = 0.28/0.48 = 0.58333 (moderate).
  Fleiss' κ: π = 0.4 → p_e = 0.52 → κ = 0.58333 (moderate).
  Gwet's AC1: p_e = 2π(1 − π) = 0.48 → AC1 = 0.32/0.52 = 0.61538 (substantial).
  Krippendorff's α (nominal, pairable values only): 20 values, 8 "1" and 12 "0"; 2 disagreeing units
    give 4 off-diagonal pairs: α = 1 − (20 − 1) · 4 / (2 · 8 · 12) = 1 − 76/192 = 0.60417 (unreliable).
(Before, alice's marginals took in D2's three segments: Cohen 0.567, Fleiss 0.531, AC1 0.652.)
Pooled κ over the three codes: Hours and Everywhere have p_a = p_e = 1, so it equals Debt's Fleiss κ.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer.testing import CliRunner, Result

from qcode.cli.agreement import agreement, disagreements
from qcode.cli.common import QcodeGroup, state
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from tests.coding.tiny import build

runner = CliRunner()
NAN = re.compile(r"\bnan\b", re.IGNORECASE)

DOCS = {
    "D1": [[f"one {i}." for i in range(1, 6)], [f"one {i}." for i in range(6, 11)]],
    "D2": [["two 1.", "two 2.", "two 3."]],
}
CODES = [("debt", "Debt", None), ("hours", "Hours", None), ("all", "Everywhere", None)]
DEBT = [("alice", "D1", o, "debt") for o in (1, 2, 3, 4)] + [("bob", "D1", o, "debt") for o in (1, 2, 3, 5)]
EVERYWHERE = [("alice", d, o, "all") for d, n in (("D1", 10), ("D2", 3)) for o in range(1, n + 1)] + [
    ("bob", "D1", o, "all") for o in range(1, 11)
]


def _app() -> typer.Typer:
    app = typer.Typer(cls=QcodeGroup, pretty_exceptions_enable=False)

    @app.callback()
    def root(db: Annotated[str | None, typer.Option("--db")] = None) -> None:
        state().db = db

    app.command()(agreement)
    app.command()(disagreements)
    return app


APP = _app()


def _project(
    store: Store, codings: Sequence[tuple[str, str, int, str]], coders: Sequence[str] = ("alice", "bob")
) -> str:
    with transaction(store.sessions) as session:
        build(session, DOCS, CODES, coders, codings)
    return store.url.removeprefix("sqlite:///")


@pytest.fixture
def project(sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    return _project(sqlite_store, DEBT + EVERYWHERE)


def _run(db: str, *args: str) -> Result:
    return runner.invoke(APP, ["--db", db, *args])


def _json(db: str, *args: str) -> dict[str, Any]:
    result = _run(db, "agreement", "--json", "--boot", "200", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_json_has_the_stable_keys_and_the_hand_computed_figures(project: str) -> None:
    data = _json(project)
    assert {"header", "codes", "overall", "notes"} <= set(data)
    assert data["header"]["units"] == 10 and data["header"]["compared_units"] == 10
    assert data["header"]["documents"] == 1 and data["header"]["units_with_codes"] == 10
    assert data["header"]["coders"] == ["alice", "bob"] and data["header"]["unit"] == "segment"
    assert "decided 'absent'" in data["header"]["units_rule"]
    rows = {row["code"]: row for row in data["codes"]}
    assert list(rows) == ["Debt", "Hours", "Everywhere"]
    debt = rows["Debt"]
    for key in (
        "code",
        "units",
        "percent_agreement",
        "cohen_kappa",
        "fleiss_kappa",
        "krippendorff_alpha",
        "gwet_ac1",
        "ci_low",
        "ci_high",
    ):
        assert key in debt
    assert debt["units"] == 10 and debt["positive_units"] == 5
    assert debt["percent_agreement"] == pytest.approx(0.8)
    assert debt["cohen_kappa"] == pytest.approx(0.28 / 0.48)
    assert debt["fleiss_kappa"] == pytest.approx(0.28 / 0.48)
    assert debt["krippendorff_alpha"] == pytest.approx(1 - 76 / 192)
    assert debt["gwet_ac1"] == pytest.approx(0.32 / 0.52)
    assert debt["prevalence"] == pytest.approx(0.4)
    assert debt["ci_low"] <= debt["krippendorff_alpha"] <= debt["ci_high"]
    assert debt["bands"] == {
        "cohen_kappa": "moderate",
        "fleiss_kappa": "moderate",
        "krippendorff_alpha": "unreliable",
        "gwet_ac1": "substantial",
    }
    assert debt["rare"] is True and debt["flags"] == ["rare"]
    assert data["overall"]["pooled_kappa"] == pytest.approx(0.28 / 0.48)
    assert data["overall"]["cohen_kappa"] == pytest.approx(0.28 / 0.48)  # the only code where it is defined


def test_a_code_nobody_used_is_null_with_a_note_never_nan_or_a_silent_one(project: str) -> None:
    result = _run(project, "agreement", "--json", "--boot", "50")
    assert not NAN.search(result.stdout)
    hours = next(row for row in json.loads(result.stdout)["codes"] if row["code"] == "Hours")
    for key in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "ci_low", "ci_high"):
        assert hours[key] is None
    assert hours["flags"] == ["unused"] and hours["rare"] is False
    assert hours["notes"] == ["nobody applied it: no figure is defined"]
    assert hours["percent_agreement"] is None and hours["gwet_ac1"] is None  # not "1.000 almost perfect"


def test_every_unit_identical_is_undefined_with_a_note(project: str) -> None:
    data = _json(project, "--codes", "Everywhere")
    (row,) = data["codes"]
    assert row["fleiss_kappa"] is None and row["krippendorff_alpha"] is None and row["cohen_kappa"] is None
    assert any("every rating is 'applied'" in note for note in row["notes"])
    assert data["overall"]["pooled_kappa"] is None and data["overall"]["kappa_band"] is None


def test_coders_with_no_units_in_common_get_undefined_figures_with_a_note(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = _project(sqlite_store, [("alice", "D1", 1, "debt"), ("bob", "D2", 1, "debt")])
    data = _json(db)
    assert data["header"]["units"] == 0 and data["header"]["compared_units"] == 0
    for row in data["codes"]:
        assert all(
            row[k] is None for k in ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1")
        )
        assert any("no unit was coded by two or more coders" in note for note in row["notes"])
    table = _run(db, "agreement", "--boot", "0")
    assert table.exit_code == 0 and "undefined" in table.stdout and not NAN.search(table.stdout)


def test_one_coder_is_a_one_line_error(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = _project(sqlite_store, [("alice", "D1", 1, "debt")])
    result = _run(db, "agreement")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "qcode: error: agreement needs two or more coders with codings; found 1 (alice)"
    )
    assert _run(db, "agreement", "--coders", "alice").exit_code == 2


def test_unknown_names_suggest_close_ones(project: str) -> None:
    result = _run(project, "agreement", "--coders", "alice,bbo")
    assert result.exit_code == 5 and "no coder named 'bbo'; did you mean 'bob'?" in result.stderr
    result = _run(project, "agreement", "--codes", "Dept")
    assert result.exit_code == 5 and "did you mean 'debt'?" in result.stderr
    assert _run(project, "agreement", "--json", "--csv").exit_code == 2


def test_csv_is_one_row_per_code_and_the_overall_row(project: str) -> None:
    result = _run(project, "agreement", "--csv", "--boot", "0")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["code"] for r in rows] == ["Debt", "Hours", "Everywhere", "overall"]
    assert float(rows[0]["cohen_kappa"]) == pytest.approx(0.28 / 0.48)
    assert rows[1]["fleiss_kappa"] == "" and rows[1]["gwet_ac1"] == ""
    assert "nobody applied" in rows[1]["notes"]
    assert float(rows[3]["pooled_kappa"]) == pytest.approx(0.28 / 0.48)


def test_table_shows_bands_undefined_and_the_units_rule(project: str) -> None:
    result = runner.invoke(APP, ["--db", project, "agreement", "--boot", "100"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert re.search(r"Debt +10 +0\.400 +0\.800 +0\.583 +0\.583 +0\.604 +0\.615", out), out
    assert re.search(r"rare +moderate +moderate +unreliable +substantial", out), out
    assert re.search(r"Hours +10 +0\.000 +undefined +undefined +undefined +undefined +undefined", out), out
    assert "\n unused" in out and "rare unused" not in out
    assert "Pooled kappa (De Vries et al., 2008): 0.583 moderate" in out
    assert "on 10 segments: those of the 1 document every one of them coded; 10 of them carry" in out
    assert "decided 'absent'" in out and not NAN.search(out)
    narrow = runner.invoke(APP, ["--db", project, "agreement", "--boot", "0"], env={"COLUMNS": "80"})
    assert "unrel." in narrow.stdout and "Abbreviated: subst. = substantial" in narrow.stdout


def test_by_document_and_by_coder_pair_and_passage_units(project: str) -> None:
    data = _json(project, "--by", "document")
    assert [g["document"] for g in data["groups"]] == ["D1", "D2"]
    # Within D1 alone every unit is compared, so the chance terms use D1 only: p_e = 0.52, κ = 0.28/0.48.
    assert data["groups"][0]["codes"][0]["cohen_kappa"] == pytest.approx(0.28 / 0.48)
    assert data["groups"][1]["compared_units"] == 0  # only alice coded D2
    assert "codes" in data and "overall" in data
    pairs = _json(project, "--by", "coder-pair")
    assert [g["coders"] for g in pairs["groups"]] == [["alice", "bob"]]
    passages = _json(project, "--unit", "passage", "--codes", "debt")
    # Passage 1 (s1–s5): both applied Debt; passage 2 (s6–s10): neither. D2's passage: bob missing.
    assert passages["header"]["units"] == 2 and passages["codes"][0]["percent_agreement"] == 1.0
    table = _run(project, "agreement", "--by", "document", "--boot", "0")
    assert table.exit_code == 0 and "D1" in table.stdout and "D2" in table.stdout


def test_disagreements_lists_the_differing_segments(project: str) -> None:
    result = _run(project, "disagreements", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [(d["document"], d["segment"], d["codes"]) for d in found] == [
        ("D1", 4, ["Debt"]),
        ("D1", 5, ["Debt"]),
    ]
    assert found[0]["text"] == "one 4." and found[0]["passage"] == 1
    assert found[0]["coders"] == {"alice": ["Debt", "Everywhere"], "bob": ["Everywhere"]}
    text = _run(project, "disagreements", "--code", "Debt", "--coders", "alice,bob")
    assert text.exit_code == 0
    assert "D1 · segment 4 (passage 1)" in text.stdout and "bob:   Everywhere" in text.stdout
    assert "2 segments where alice, bob differ" in text.stdout
    none = _run(project, "disagreements", "--code", "Everywhere")
    assert none.exit_code == 0 and "0 segments" in none.stdout


def test_a_group_reads_as_any_code_under_it_and_unused_like_a_leaf_when_none_is_applied(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--codes money`` once read 1.000 "almost perfect" with no positive unit, then "unused" while Debt,
    under it, held every coding. A group aggregates the codes under it (a segment has it when a coder
    applied it or any code below), so here it reads as Debt does; a group with nothing applied under it
    is undefined exactly like a leaf nobody applied."""
    monkeypatch.chdir(tmp_path)
    codes = [("money", "money", None), ("debt", "Debt", "money"), ("hours", "Hours", None)]
    codes += [("time", "time", None), ("shifts", "Shifts", "time")]
    with transaction(sqlite_store.sessions) as session:
        build(session, DOCS, codes, ("alice", "bob"), DEBT)
    db = sqlite_store.url.removeprefix("sqlite:///")
    data = _json(db, "--codes", "money,Debt,Hours,time")
    rows = {r["code"]: r for r in data["codes"]}
    group, child = rows.pop("money"), rows.pop("Debt")
    seeded = ("code", "ci_low", "ci_high")  # the interval's seed takes in the code's name
    assert {k: v for k, v in group.items() if k not in seeded} == {
        k: v for k, v in child.items() if k not in seeded
    }
    assert group["cohen_kappa"] == pytest.approx(0.28 / 0.48)
    empty, leaf = rows.pop("time"), rows.pop("Hours")
    assert {k: v for k, v in empty.items() if k != "code"} == {k: v for k, v in leaf.items() if k != "code"}
    assert empty["flags"] == ["unused"] and empty["gwet_ac1"] is None and empty["percent_agreement"] is None
    assert any("money is a group" in note for note in data["notes"])
    table = runner.invoke(APP, ["--db", db, "agreement", "--codes", "time"], env={"COLUMNS": "120"})
    assert table.exit_code == 0 and "almost perfect" not in table.stdout and "1.000" not in table.stdout
    undefined = r"time +10 +0\.000 +undefined +undefined +undefined +undefined +undefined"
    assert re.search(undefined, table.stdout), table.stdout


def test_the_overall_row_says_how_many_codes_its_means_are_over(project: str) -> None:
    # Debt has every figure; Everywhere (applied everywhere) only percent agreement; Hours none.
    said = "mean of 1–2 of 3 codes"
    table = runner.invoke(APP, ["--db", project, "agreement", "--boot", "0"], env={"COLUMNS": "160"})
    assert table.exit_code == 0, table.output
    assert f"({said})" in " ".join(table.stdout.split()) and "mean of 3" not in table.stdout
    assert _json(project)["overall"]["label"] == said
    rows = list(csv.DictReader(io.StringIO(_run(project, "agreement", "--csv", "--boot", "0").stdout)))
    assert rows[3]["code"] == "overall" and rows[3]["notes"].startswith(said + " | ")
