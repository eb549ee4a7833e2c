"""`qcode codebook validate` through typer's runner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from qcode.cli.codebook import app
from qcode.config import bundled_codebook
from tests.codebook.conftest import VALID

runner = CliRunner()


def test_valid_codebook_prints_count_and_ok() -> None:
    result = runner.invoke(app, ["validate", str(bundled_codebook())])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{bundled_codebook()}: 22 codes, OK\n"


def test_every_problem_goes_to_stderr_and_exit_is_2(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(
        VALID.replace("hotkey: b", "hotkey: q").replace("colour: '#445566'", "colour: red"), "utf-8"
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:12: codes[1].colour: ")
    assert lines[1].startswith(f"{path}:19: codes[2].hotkey: 'q' is reserved")


def test_unreadable_and_unparsable_files(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "cannot read codebook" in missing.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(b"name: [x\n")
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2 and result.stderr.startswith(f"{broken}:2: (file): invalid YAML")


def test_qdc_files_are_validated_as_imports(tmp_path: Path) -> None:
    foreign = Path(__file__).resolve().parent.parent / "data" / "codebook-maxqda-style.qdc"
    assert runner.invoke(app, ["validate", str(foreign)]).stdout == f"{foreign}: 12 codes, OK\n"
    bad = tmp_path / "bad.qdc"
    bad.write_bytes(
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n'
        b'<Code name="a" isCodable="true"/>\n</Codes></CodeBook>'
    )
    result = runner.invoke(app, ["validate", str(bad)])
    assert (
        result.exit_code == 2 and result.stderr == f"{bad}:3: Code[@name='a']/@guid: missing guid attribute\n"
    )


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "validate" in result.output
