"""The nasty files in ``tests/data/nasty``: each is refused in one line with the project unchanged,
or imported correctly. Every finding of the fuzz tests and of issue 15 §6 that these parsers own
stays here as a file."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.store.migrate import Store

NASTY = Path(__file__).resolve().parents[1] / "data" / "nasty"
runner = CliRunner()

#: file → (command, exit status, a fragment of the first error line)
REFUSED: dict[str, tuple[str, int, str]] = {
    "codebook-bigint.yaml": ("codebook load", 2, ":2: version: must be a whole number"),
    "codebook-bigint.json": ("codebook load", 2, ":1: version: must be a whole number"),
    "codebook-alias-bomb.yaml": ("codebook load", 2, "unknown key"),
    "codebook-deep.yaml": ("codebook load", 2, "nested too deeply"),
    "codebook-python-tag.yaml": ("codebook load", 2, "unsupported YAML tag"),
    "transcript-nul.md": ("import", 2, "binary file"),
    "transcript-binary.md": ("import", 2, "binary file"),
    "transcript-empty.md": ("import", 2, "is empty"),
    "transcript-unclosed.md": ("import", 2, ":1: front matter is not closed"),
    "transcript-front-matter-bad-yaml.md": ("import", 2, ":3: malformed front matter (key 'title')"),
    "report-no-testimony.txt": ("report extract", 2, "no quoted testimony found"),
}


def _digest(path: Path) -> str:
    with sqlite3.connect(path) as conn:  # the whole logical content, whatever the WAL holds
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


@pytest.fixture
def project(sqlite_store: Store) -> Path:
    sqlite_store.close()
    return Path(sqlite_store.url.removeprefix("sqlite:///"))


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_nasty_file_is_refused_in_one_line_and_changes_nothing(
    project: Path, tmp_path: Path, name: str
) -> None:
    command, status, fragment = REFUSED[name]
    before = _digest(project)
    extra = ["--out", str(tmp_path / "out")] if command == "report extract" else []
    result = runner.invoke(app, ["--db", str(project), *command.split(), str(NASTY / name), *extra])
    assert result.exit_code == status, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("qcode: error: ") and name in first and fragment in first, first
    assert "Traceback" not in result.output
    assert _digest(project) == before
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_huge_transcript_is_refused_at_the_real_limit(project: Path, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:  # 64 MiB and one byte, sparse: no disk is spent
        fh.truncate(64 * 1024 * 1024 + 1)
    before = _digest(project)
    result = runner.invoke(app, ["--db", str(project), "import", str(huge)])
    assert result.exit_code == 2 and "huge.txt" in result.stderr and "MiB" in result.stderr, result.output
    assert _digest(project) == before


def test_nasty_but_valid_files_import_correctly(project: Path) -> None:
    for name in ("transcript-bigint-attribute.md", "transcript-crlf.md", "transcript-latin1.txt"):
        result = runner.invoke(app, ["--db", str(project), "import", str(NASTY / name)])
        assert result.exit_code == 0, (name, result.output)
    with sqlite3.connect(project) as conn:
        rows = dict(conn.execute("SELECT name, attributes FROM documents").fetchall())
        texts = dict(conn.execute("SELECT name, text FROM documents").fetchall())
    assert ('"age": "' + "9" * 5000 + '"') in rows["bigint"]  # every digit, as text
    assert "\r" not in texts["crlf"] and "Nobody could leave." in texts["crlf"]
    assert "À la scierie" in texts["transcript-latin1"]


def test_an_empty_quotation_in_a_report_is_dropped_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "out"
    source = NASTY / "report-empty-quote.txt"
    result = runner.invoke(app, ["report", "extract", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "empty quotation dropped" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["A.md"]
