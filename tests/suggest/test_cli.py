"""`qcode suggest` on the demo project with the reference coding, in-process and as the installed script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from qcode.cli.main import app

runner = CliRunner()


def test_json_lists_uncoded_segments_with_reasons(demo_db: Path) -> None:
    args = ["--db", str(demo_db), "suggest", "--coder", "reference", "-d", "B", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    uncoded_in_b = {8, 9, 10, 11}  # the reference coded every other segment of B
    assert {row["segment"] for row in data} <= uncoded_in_b and data
    for row in data:
        assert row["document"] == "B" and row["text"]
        assert 1 <= len(row["suggestions"]) <= 3
        for s in row["suggestions"]:
            assert 0 < s["score"] <= 1 and s["reasons"]
            for r in s["reasons"]:
                assert r["kind"] in {"keyword", "codebook", "segment"} and r["text"]
                if r["kind"] == "segment":
                    assert r["document"] and r["segment"] >= 1


def test_text_output_names_code_score_and_reason(demo_db: Path) -> None:
    result = runner.invoke(app, ["--db", str(demo_db), "suggest", "--coder", "reference", "-d", "B"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("B 8  Sometimes when the profits were high")
    assert any(line.startswith("    → ") and "(0." in line for line in lines)
    assert any("like your " in line for line in lines)


def test_without_a_coder_or_with_unknown_names_it_fails_on_one_line(demo_db: Path) -> None:
    env = {"QCODE_CODER": "", "QCODE_CODER_FILE": str(demo_db.parent / "no-coder-file")}
    for args, message in (
        (["suggest"], "say whose suggestions"),
        (["suggest", "--coder", "zoe"], "no coder named 'zoe'"),
        (["suggest", "--coder", "reference", "-d", "Z"], "no document named 'Z'"),
    ):
        result = runner.invoke(app, ["--db", str(demo_db), *args], env=env)
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("qcode: error: ") and message in lines[0]


NO_NETWORK = """
import socket

def _refuse(*args, **kwargs):
    raise OSError("network use refused by the test")

socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
"""


def test_the_installed_command_uses_no_network(demo_db: Path, tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")  # any connection fails
    script = Path(sys.executable).with_name("qcode")
    out = subprocess.run(
        [str(script), "--db", str(demo_db), "suggest", "--coder", "reference", "-d", "J", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(tmp_path)},
    )
    rows = json.loads(out.stdout)
    assert rows and {r["segment"] for r in rows} <= {1, 2, 3, 4}  # J 1–4: what the reference left uncoded
    assert all(s["reasons"] for r in rows for s in r["suggestions"])
