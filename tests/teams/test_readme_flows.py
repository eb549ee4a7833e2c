"""The README's team sequences, run line by line as a reader would paste them (installed `qcode`)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
BIN = Path(sys.executable).parent


def block_after(heading: str) -> list[str]:
    """The lines of the first fenced block under ``## heading``."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    fenced = re.search(r"^```\n(.*?)^```", section, re.S | re.M)
    assert fenced is not None, f"no code block under {heading!r}"
    return [line for line in fenced.group(1).splitlines() if line.strip()]


def run(lines: list[str], cwd: Path, env: dict[str, str]) -> str:
    script = "set -euo pipefail\n" + "\n".join(lines) + "\n"
    done = subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QCODE_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["QCODE_CODER_FILE"] = str(tmp_path / "coder")
    env["COLUMNS"] = "120"
    return env


def test_two_coders_on_two_laptops(tmp_path: Path) -> None:
    out = run(block_after("Two coders on two laptops"), tmp_path, clean_env(tmp_path))
    assert "bob (new): +5 codings" in out
    assert "nothing to merge: everything in bob.json" in out
    assert "Agreement between ann, bob" in out
    assert "consensus for ann, bob: 3 of 3 decided" in out
    assert "ann vs consensus: call kept in 1 of 3 decided cases (33%)" in out
    with (tmp_path / "consensus.csv").open(encoding="utf-8", newline="") as fh:
        rows = {(r["document"], r["segment"], r["code"]) for r in csv.DictReader(fh)}
    assert rows == {
        ("A", "1", "wages"),
        ("A", "2", "wages"),
        ("A", "3", "hours"),
        ("A", "4", "hours"),
        ("B", "1", "remittance"),
        ("B", "2", "bribery"),
    }


def test_a_team_on_a_server(tmp_path: Path, pg_url: str) -> None:
    lines = [
        re.sub(r"^export QCODE_DB=.*$", f"export QCODE_DB='{pg_url}'", line)
        for line in block_after("A team on a server")
    ]
    from sqlalchemy import text

    from qcode.store.migrate import open_store
    from tests.teams.projects import TABLES

    st = open_store(pg_url)
    with st.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    st.close()
    out = run(lines, tmp_path, clean_env(tmp_path))
    assert "Agreement between ann, bob" in out and "consensus for ann, bob: 2 of 2 decided" in out
    assert "carol" in out.splitlines()[-1] and "consensus" in out
    with (tmp_path / "consensus.csv").open(encoding="utf-8", newline="") as fh:
        rows = {(r["document"], r["segment"], r["code"]) for r in csv.DictReader(fh)}
    assert rows == {("A", "1", "wages"), ("A", "2", "wages"), ("B", "1", "remittance")}


@pytest.mark.parametrize("heading", ["Two coders on two laptops", "A team on a server"])
def test_the_sequences_use_only_qcode_and_shell_basics(heading: str) -> None:
    for line in block_after(heading):
        first = line.split()[0]
        assert first in {"qcode", "printf", "export"} or first.startswith("QCODE_CODER="), line
