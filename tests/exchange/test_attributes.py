"""Attributes from a spreadsheet (.csv, .xlsx) or the command line, typed, and shown where documents are."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from qcode.attributes import attribute_text, infer_type
from qcode.cli.main import app
from qcode.errors import InputError, NotFoundError
from qcode.exchange.qdpx_export import gather_project
from qcode.exchange.sheets import read_sheet
from qcode.export.service import coded_segment_rows
from qcode.project.attributes import import_attributes, set_attributes
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Document, Event, Variable


def _attrs(store: Store) -> dict[str, dict[str, object]]:
    with store.sessions() as session:
        return {d.name: d.attributes for d in session.scalars(select(Document))}


def _types(store: Store) -> dict[str, str]:
    with store.sessions() as session:
        return dict(session.execute(select(Variable.name, Variable.type)).all())


def test_a_csv_sheet_sets_typed_attributes_and_reports_unmatched_rows(seeded: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "document;age;interviewed;married;score;note\n"
        "A;34;2023-04-05;true;2.5;first\n"
        "b;NA;2023-05-01;false;3;\n"  # matched ignoring case; NA and empty change nothing
        "Z;1;2023-01-01;true;1;nobody\n",
        encoding="utf-8",
    )
    with transaction(seeded.sessions) as session:
        report = import_attributes(session, read_sheet(sheet), actor="tester")
    assert report.matched == ("A", "B") and report.unmatched == ((4, "Z"),)
    types = {"age": "integer", "interviewed": "date", "married": "boolean", "score": "float", "note": "text"}
    assert report.types == types and _types(seeded) == types
    attrs = _attrs(seeded)
    assert {k: attrs["A"][k] for k in types} == {
        "age": 34, "interviewed": "2023-04-05", "married": True, "score": 2.5, "note": "first",
    }  # fmt: skip
    assert attrs["B"]["age"] == 40  # B's "40" from before, now a number like the rest
    assert attrs["B"]["score"] == 3.0 and "note" not in attrs["B"]
    assert attrs["A"]["gender"] == "Male"  # other attributes untouched
    with seeded.sessions() as session:
        assert session.scalars(select(Event.action).where(Event.action == "attributes.import")).one()


def test_an_xlsx_sheet_with_native_cells(seeded_sqlite: Store, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Name", "age", "interviewed", "married"])
    ws.append(["C", 29, dt.datetime(2023, 6, 7), False])
    ws.append(["A", 51.0, dt.date(2022, 1, 2), True])
    path = tmp_path / "people.xlsx"
    book.save(path)
    with transaction(seeded_sqlite.sessions) as session:
        report = import_attributes(session, read_sheet(path))
    assert report.matched == ("C", "A") and report.types["age"] == "integer"
    attrs = _attrs(seeded_sqlite)
    assert (attrs["C"]["age"], attrs["C"]["interviewed"], attrs["C"]["married"]) == (29, "2023-06-07", False)
    assert attrs["A"]["age"] == 51


def test_set_types_like_the_rest_widens_when_it_must_and_removes(seeded_sqlite: Store) -> None:
    with transaction(seeded_sqlite.sessions) as session:
        assert set_attributes(session, "A", [("age", "41")]).attributes["age"] == 41
    assert _attrs(seeded_sqlite)["B"]["age"] == 40 and _types(seeded_sqlite)["age"] == "integer"
    with transaction(seeded_sqlite.sessions) as session:
        set_attributes(session, "C", [("age", "about 30")])  # not a number: the attribute becomes text
    assert _attrs(seeded_sqlite)["A"]["age"] == "41" and _types(seeded_sqlite)["age"] == "text"
    with transaction(seeded_sqlite.sessions) as session:
        assert "age" not in set_attributes(session, "C", [("age", "")]).attributes
    with pytest.raises(NotFoundError), transaction(seeded_sqlite.sessions) as session:
        set_attributes(session, "nobody", [("age", "1")])


def test_typed_attributes_travel_to_the_exports(seeded_sqlite: Store, tmp_path: Path) -> None:
    with transaction(seeded_sqlite.sessions) as session:
        set_attributes(session, "A", [("age", "34"), ("married", "true"), ("interviewed", "2023-04-05")])
    with seeded_sqlite.sessions() as session, session.begin():
        stream = coded_segment_rows(session)
        rows = [row for chunk in stream.chunks for row in chunk]
        project = gather_project(session).project
    text = "\n".join(str(r) for r in rows)
    assert "34" in text and "true" in text and "2023-04-05" in text
    variables = {v.name: v.type for v in project.variables}
    assert variables["age"] == "integer" and variables["married"] == "boolean"
    assert {c.name: c.values for c in project.cases}["A"]["married"] is True


def test_sheets_that_cannot_be_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_sheet(empty)
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a workbook")
    with pytest.raises(InputError, match=r"not a readable \.xlsx"):
        read_sheet(fake)
    dupes = tmp_path / "dupes.csv"
    dupes.write_text("document,age,age\nA,1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="column age appears twice in the header"):
        read_sheet(dupes)


def test_type_inference() -> None:
    assert infer_type(["1", "2", ""]) == "integer"
    assert infer_type(["1", "2.5"]) == "float"
    assert infer_type(["2023-02-30"]) == "text"  # not a real date
    assert infer_type(["TRUE", "false"]) == "boolean"
    assert infer_type(["1e400"]) == "text"
    assert infer_type([]) == "text"
    assert [attribute_text(v) for v in (True, 3, 2.5, None, "x")] == ["true", "3", "2.5", "", "x"]


def test_the_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "p.db")
    assert runner.invoke(app, ["--db", db, "demo"]).exit_code == 0
    sheet = tmp_path / "a.csv"
    sheet.write_text("document,age\nA,34\nNobody,3\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", db, "attributes", "import", str(sheet)])
    assert result.exit_code == 0, result.output
    assert "1 document matched, 1 row unmatched" in result.stdout and "age (integer)" in result.stdout
    assert f"{sheet}:3: no document named 'Nobody'" in result.stderr
    result = runner.invoke(app, ["--db", db, "attributes", "set", "A", "age=35", "site=Moscow"])
    assert result.exit_code == 0 and "age=35" in result.stdout and "site=Moscow" in result.stdout
    result = runner.invoke(app, ["--db", db, "attributes", "set", "A", "age"])
    assert result.exit_code != 0 and "key=value" in result.stderr


def test_a_value_that_keeps_a_column_as_text_is_named_at_import(tmp_path: Path) -> None:
    """One `12/03/2012` among ISO dates keeps `date` as text (it may be 12 March or 3 December): said
    on one line naming the file, line and value, and why; a column of plain text says nothing."""
    runner = CliRunner()
    db = str(tmp_path / "p.db")
    assert runner.invoke(app, ["--db", db, "demo"]).exit_code == 0
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "document,date,age,note\nA,2012-03-14,34,first\nB,2012-03-15,41,x\nC,12/03/2012,35,3\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["--db", db, "attributes", "import", str(sheet)])
    assert result.exit_code == 0, result.output
    assert "date (text)" in result.stdout and "age (integer)" in result.stdout
    assert result.stderr.splitlines() == [
        f"{sheet}:4: warning: date '12/03/2012' is not a date (YYYY-MM-DD); attribute 'date' is kept as text:"
        " it is typed date only when every value fits"
    ]
    result = runner.invoke(app, ["--db", db, "attributes", "set", "D", "age=forty"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "document D: warning: age 'forty' is not a whole number; attribute 'age' is kept as text:"
        " it is typed integer only when every value fits"
    ]
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("document,date,age\nC,2012-03-12,35\nD,,40\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", db, "attributes", "import", str(fixed)])
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    assert "date (date)" in result.stdout and "age (integer)" in result.stdout


def test_odd_values() -> None:
    from qcode.attributes import odd_values

    assert odd_values(["2012-03-14", "", "2012-03-15", "12/03/2012"]) == ("date", [3])
    assert odd_values(["1", "2", "x", "y"]) is None  # half is not most: a column of text
    assert odd_values(["true", "false", "maybe"]) == ("boolean", [2])
    assert odd_values(["Male", "Female"]) is None


def test_a_tab_separated_txt_sheet_is_read_as_excel_saves_it(tmp_path: Path) -> None:
    """Excel's and SPSS's "Text (Tab delimited)" is a .txt: an attributes sheet, not a transcript."""
    from qcode.exchange.sheets import read_sheet

    sheet_path = tmp_path / "attrs.txt"
    sheet_path.write_text("document\tage\nA\t50\n", encoding="utf-8")
    (tmp_path / "attrs.tsv").write_text("document\tage\nA\t50\n", encoding="utf-8")
    for sheet in (read_sheet(sheet_path), read_sheet(tmp_path / "attrs.tsv")):
        assert sheet.columns == ("age",) and sheet.rows == ((2, "A", {"age": "50"}),)
