"""`qcode report extract`, driven through the Typer sub-app."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from qcode.cli.report import app
from qcode.config import bundled_report

REPO = Path(__file__).resolve().parents[2]
REPORT = bundled_report()

runner = CliRunner()


def test_extract_regenerates_the_committed_transcripts_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "transcripts"
    result = runner.invoke(app, ["extract", str(REPORT), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_bytes() for p in out.glob("*.md")}
    committed = {p.name: p.read_bytes() for p in (REPO / "transcripts").glob("*.md")}
    assert len(written) == 20
    assert written == committed


def test_extract_without_a_source_reads_the_shipped_report(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{REPORT}:1238: warning: quotation opened" in result.stderr
    assert (tmp_path / "A.md").read_bytes() == (REPO / "transcripts" / "A.md").read_bytes()


def test_extract_prints_the_summary_table_and_warnings_on_stderr(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(REPORT), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "Interviewee" in result.stdout and "Warnings" in result.stdout
    row = re.search(r"│ M\s+│\s+(\d+) │\s+(\d+) │\s+(\d+) │", result.stdout)
    assert row is not None and row.group(1) == "5"
    assert re.search(r"│ total\s+│\s+67 │\s+8447 │", result.stdout)
    lines = result.stderr.splitlines()
    assert lines and all(re.match(rf"^{re.escape(str(REPORT))}:\d+: warning: ", line) for line in lines)
    assert (
        f"{REPORT}:1238: warning: quotation opened on line 1238 has no closing quotation mark"
        in result.stderr
    )
    assert "warning" not in result.stdout


def test_extract_refuses_a_missing_source(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.txt"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert not list(tmp_path.glob("*.md"))


def test_report_group_without_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "extract" in result.output
