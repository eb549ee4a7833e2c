"""A file given to the wrong command: one line naming it, what it looks like, the command that takes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.store.migrate import Store
from tests.coding.sample import fill_sample

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(sqlite_store: Store) -> Path:
    """The sample project, closed: its file."""
    with sqlite_store.sessions() as s, s.begin():
        fill_sample(s)
    sqlite_store.close()
    return Path(sqlite_store.url.removeprefix("sqlite:///"))


def _counts(db: Path) -> tuple[int, int, int]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("codes", "codings", "documents")
        )


@pytest.mark.parametrize(
    ("command", "name", "content", "said"),
    [
        (
            ["codebook", "load"],
            "A.md",
            "---\nname: A\n---\n\n## One\n\nText.\n",
            "looks like a transcript: `qcode import FILE` takes it",
        ),
        (["codebook", "load"], "people.xlsx", b"PK\x03\x04", "`qcode attributes import FILE` takes it"),
        (
            ["codings", "import"],
            "people.xlsx",
            b"PK\x03\x04",
            "looks like a sheet of attributes per document",
        ),
        (
            ["codings", "import"],
            "lee.qdpx",
            b"PK\x03\x04",
            "looks like a REFI-QDA project: `qcode import FILE.qdpx`",
        ),
        (
            ["attributes", "import"],
            "quotes.md",
            "# Quotes\n\n> text\n",
            "looks like a transcript: `qcode import FILE` takes it",
        ),
        (
            ["attributes", "import"],
            "book.yaml",
            "codes: []\n",
            "looks like a codebook: `qcode codebook load FILE` takes it",
        ),
    ],
)
def test_the_message_names_the_command_that_takes_it(
    project: Path, tmp_path: Path, command: list[str], name: str, content: str | bytes, said: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    before = _counts(project)
    result = runner.invoke(app, ["--db", str(project), *command, str(path)])
    assert result.exit_code != 0
    line = result.stderr
    assert line.count("\n") == 1 and str(path) in line and said in line, line
    assert _counts(project) == before
