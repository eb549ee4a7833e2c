"""Co-occurrence counts codes one coder applied to the same segment, never two coders' readings of it.

ann applied wages and bob remittance to segment 1: two readings, not a segment about both. On
segment 2 ann applied both, so wages × remittance is 1, not 2, in the table, its CSV and the figure.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.export.report_service import matrix
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from tests.coding.tiny import build
from tests.export.svgtext import labels

runner = CliRunner()
DOCS = {"D": [["one.", "two.", "three."]]}
CODES = [("wages", "wages", None), ("remittance", "remittance", None)]
CODINGS = [
    ("ann", "D", 1, "wages"),
    ("bob", "D", 1, "remittance"),  # the other coder on the same segment: no co-occurrence
    ("ann", "D", 2, "wages"),
    ("ann", "D", 2, "remittance"),  # one coder, both codes: co-occurrence
    ("bob", "D", 2, "wages"),
]


@pytest.fixture
def project(sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.chdir(tmp_path)
    with transaction(sqlite_store.sessions) as session:
        build(session, DOCS, CODES, ["ann", "bob"], CODINGS)
    return sqlite_store


def test_codes_meet_within_one_coders_codings(project: Store) -> None:
    with project.sessions() as session:
        m = matrix(session, "code")
        docs = matrix(session, "code", unit="documents")
    cells = {(r, c): n for r, counts in m.rows for c, n in zip(m.columns, counts, strict=True)}
    assert cells[("wages", "remittance")] == 1 == cells[("remittance", "wages")]
    assert cells[("wages", "wages")] == 2 and cells[("remittance", "remittance")] == 2  # the diagonal
    assert m.title == "Code co-occurrence: segments where one coder applied both codes"
    assert docs.title == "Code co-occurrence: documents with a segment where one coder applied both codes"


def test_matrix_csv_and_figure_count_the_same(project: Store) -> None:
    db = ["--db", project.url.removeprefix("sqlite:///")]
    table = runner.invoke(app, [*db, "report", "matrix", "--by", "code", "--csv"])
    assert table.exit_code == 0, table.output
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(table.stdout))}
    assert rows["wages"]["remittance"] == "1" and rows["wages"]["wages"] == "2"
    shown = runner.invoke(app, [*db, "report", "matrix", "--by", "code"], env={"COLUMNS": "120"})
    assert "segments where one coder applied both codes" in " ".join(shown.stdout.split())
    figure = runner.invoke(app, [*db, "report", "figure", "cooccurrence", "-o", "c.svg"])
    assert figure.exit_code == 0, figure.output
    texts = [t.text for t in labels(Path("c.svg").read_bytes())]
    assert "Code co-occurrence: segments where one coder applied both codes" in texts
    assert any("where one coder applied both (diagonal: segments with the code)" in t for t in texts)
    assert sorted(t for t in texts if t.isdigit() and len(t) == 1).count("1") >= 2  # the two off-diagonal 1s
