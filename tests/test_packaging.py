"""A built wheel carries the corpus, the codebooks and the migrations, and works from any folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a private copy of the checkout: setuptools builds in the source folder
    (``build/``, ``*.egg-info``), and two test workers building in one folder raced each other into
    a wheel with no package in it."""
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")
    source = tmp_path_factory.mktemp("source") / "qcode"
    skip = shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", "exports",
        "*.db*",
    )
    shutil.copytree(REPO, source, ignore=skip)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": str(build)},
    )
    return next(out.glob("qcode-*.whl"))


def test_wheel_ships_data_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "qcode/store/migrations/versions/0001_initial_schema.py" in names
    assert "qcode/_data/codebooks/nk-overseas-labor.yaml" in names
    assert "qcode/_data/sources/report-nk-overseas-labor.txt" in names
    corpus = {n for n in names if n.startswith("qcode/_data/transcripts/") and n.endswith(".md")}
    assert {f"qcode/_data/transcripts/{x}.md" for x in ("A", "R", "minister", "unattributed")} <= corpus


def test_installed_wheel_finds_its_data_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = (
        "from qcode.config import bundled_codebook, bundled_report, bundled_transcripts\n"
        "print(bundled_codebook().is_file() and bundled_report().is_file(),"
        " len(list(bundled_transcripts().glob('*.md'))), bundled_codebook())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    ).stdout.split()
    assert out[0] == "True" and int(out[1]) >= 20
    assert out[2].startswith(str(target))
