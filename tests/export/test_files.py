"""Output files: never overwritten without force, never left half-written; pure layers stay pure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qcode.errors import ConflictError, InputError
from qcode.export.files import check_target, open_output


def test_new_file_is_written_and_existing_one_kept_without_force(tmp_path: Path) -> None:
    path = tmp_path / "out" / "a.csv"
    with open_output(path, force=False) as fh:
        fh.write("one\r\n")
    assert path.read_bytes() == b"one\r\n"
    with pytest.raises(ConflictError, match="--force"), open_output(path, force=False) as fh:
        fh.write("two")
    assert path.read_bytes() == b"one\r\n"
    with open_output(path, force=True) as fh:
        fh.write("two")
    assert path.read_text() == "two"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.csv"]


def test_a_failed_export_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "b.docx"
    with pytest.raises(RuntimeError), open_output(path, force=False, mode="binary") as fh:
        fh.write(b"partial")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_appears_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    with pytest.raises(ConflictError), open_output(path, force=False) as fh:
        fh.write("mine")
        path.write_text("theirs")
    assert path.read_text() == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["c.csv"]


def test_targets_that_cannot_be_written(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        check_target(tmp_path, force=True)
    check_target(Path("-"), force=False)
    with pytest.raises(InputError, match="standard output"):
        open_output(Path("-"), force=False, mode="binary")


PURE = (
    "qcode.export.files",
    "qcode.export.tables",
    "qcode.export.quotebook",
    "qcode.export.quotebook_docx",
    "qcode.export.chart",
    "qcode.exchange.qdpx_model",
    "qcode.exchange.qdpx_write",
    "qcode.exchange.qdpx_read",
    "qcode.exchange.qdpx_offsets",
)


@pytest.mark.parametrize("module", PURE)
def test_writers_import_no_database_or_ui(module: str) -> None:
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    loaded = set(
        json.loads(
            subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        )
    )
    for banned in ("sqlalchemy", "qcode.store", "textual", "typer", "rich", "docx", "plotext"):
        assert not any(m == banned or m.startswith(banned + ".") for m in loaded), (module, banned)
