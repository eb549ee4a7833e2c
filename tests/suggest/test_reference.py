"""The reference coding matches the demo corpus it was made on, and its files agree with each other."""

from __future__ import annotations

import csv
import hashlib
import sqlite3
from pathlib import Path

from qcode.codebook.schema import parse_codebook
from qcode.config import bundled_codebook
from tests.suggest.conftest import REFERENCE


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def test_every_demo_segment_was_read_and_is_unchanged(demo_template: Path) -> None:
    with sqlite3.connect(demo_template) as conn:
        demo = {
            (d, o): t
            for d, o, t in conn.execute(
                "SELECT d.name, s.ordinal, s.text FROM segments s JOIN documents d ON d.id = s.document_id"
            )
        }
    read = {(r["document"], int(r["segment"])): r for r in _rows("segments.csv")}
    assert read.keys() == demo.keys()
    changed = [k for k, text in demo.items() if _digest(text) != read[k]["sha256"]]
    assert changed == []
    assert all(demo[k].split()[:6] == read[k]["words"].split() for k in demo)


def test_codings_name_leaf_codes_and_the_segments_text() -> None:
    codebook = parse_codebook(bundled_codebook())
    parents = {c.parent for c in codebook.codes if c.parent}
    leaves = {c.id for c in codebook.codes} - parents
    read = {(r["document"], int(r["segment"])): r["sha256"] for r in _rows("segments.csv")}
    codings = _rows("codings.csv")
    assert {r["coder"] for r in codings} == {"reference"}
    assert {r["code"] for r in codings} == leaves  # every one of the 17 leaf codes is used
    for r in codings:
        assert _digest(r["text"]) == read[(r["document"], int(r["segment"]))]
    pairs = [(r["document"], r["segment"], r["code"]) for r in codings]
    assert len(pairs) == len(set(pairs))


def test_import_into_the_demo_project_adds_every_coding(demo_template: Path) -> None:
    with sqlite3.connect(demo_template) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = 'reference'"
        ).fetchone()
    assert count == len(_rows("codings.csv"))


def test_second_pass_final_decisions_are_the_reference() -> None:
    final = {}
    for r in _rows("codings.csv"):
        final.setdefault((r["document"], r["segment"]), set()).add(r["code"])
    for r in _rows("second-pass.csv"):
        kept = set(filter(None, r["final"].split(";")))
        assert kept == final.get((r["document"], r["segment"]), set()), r
