"""The repository carries what its tests read: the guard of ``tests/confine.py`` and the shipped report."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

from qcode.config import bundled_report
from tests import confine

REPO = Path(__file__).resolve().parent.parent


def test_a_read_beside_the_checkout_is_caught_and_one_inside_is_not(tmp_path: Path) -> None:
    beside = REPO.parent / f"shared-{uuid.uuid4().hex}" / "seeds" / "report.txt"
    confine._escapes.clear()
    with pytest.raises(FileNotFoundError):
        beside.read_text(encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        list((REPO / ".." / beside.parent.parent.name).iterdir())
    caught, confine._escapes[:] = list(confine._escapes), []  # taken, so this test itself passes
    assert caught == [str(beside), str(beside.parent.parent)]
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    (REPO / "sources" / "README.md").read_text(encoding="utf-8")
    assert confine._escapes == []


def test_the_source_report_ships_in_the_checkout_unchanged() -> None:
    report = bundled_report()
    assert report.resolve().is_relative_to(REPO)
    digest = hashlib.sha256(report.read_bytes()).hexdigest()
    assert digest == "bd70b63f846208290d4a770a8ba101975da0cbd4f888b6a8817496bc91885e2a"
    provenance = (REPO / "sources" / "README.md").read_text(encoding="utf-8")
    assert "The Conditions of the North Korean Overseas Labor" in provenance and digest in provenance
