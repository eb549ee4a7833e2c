"""`merge FILE.qdpx`: another program's project (or qcode's own) merged by identities, not imported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.exchange.qdpx_import import import_qdpx
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Coding, Document, Segment
from qcode.teams.merge import MergeConflictError, MergeOptions, merge_snapshot
from qcode.teams.source import load_source
from tests.coding.sample import fill_sample
from tests.exchange.test_qdpx import _foreign
from tests.teams.projects import keys, laptop, toggle


def _merge(store: Store, path: Path, **options: object) -> object:
    snap = load_source(str(path))
    with transaction(store.sessions) as s:
        return merge_snapshot(s, snap, MergeOptions(**options))  # type: ignore[arg-type]


def _codings(store: Store) -> set[tuple[str, int, str, str, int | None, int | None, str | None]]:
    with store.sessions() as s:
        rows = s.execute(
            select(
                Document.name, Segment.ordinal, Code.key, Coder.name, Coding.start, Coding.end, Coding.memo
            )
            .join(Segment, Segment.id == Coding.segment_id)
            .join(Document, Document.id == Segment.document_id)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
        )
        return {tuple(r) for r in rows}  # type: ignore[misc]


@pytest.fixture
def imported(sqlite_store: Store, tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    """The foreign project imported, then Ben's codings taken out (his work has not come in yet)."""
    path = _foreign(tmp_path)
    with transaction(sqlite_store.sessions) as s:
        import_qdpx(s, path)
        ben = s.scalar(select(Coder.id).where(Coder.name == "Ben"))
        s.execute(delete(Coding).where(Coding.coder_id == ben))
    yield sqlite_store, path


def test_another_programs_selections_land_on_segments_once(imported: tuple[Store, Path]) -> None:
    store, path = imported
    before = _codings(store)
    with transaction(store.sessions) as s:  # their GUID for Remittances is not ours: the name matches
        s.execute(
            update(Code).where(Code.key == "remittances").values(guid="0000aaaa-0000-4000-8000-000000000000")
        )
    report = _merge(store, path)
    added = _codings(store) - before
    assert {(d, o, k, who) for d, o, k, who, *_ in added} == {
        ("Interview 1", 3, "remittances", "Ben"),
        ("Interview 1", 4, "remittances", "Ben"),
        ("Interview 2", 1, "bribery", "Ben"),
    }
    assert ("Interview 2", 1, "bribery", "Ben", None, None, "Asked twice.") in added
    assert [c.codings_added for c in report.coders if c.name == "Ben"] == [3]  # type: ignore[attr-defined]
    again = _merge(store, path)
    assert not again.changed  # type: ignore[attr-defined]


def test_a_qdpx_of_a_project_without_those_documents_is_a_conflict(
    sqlite_store: Store, tmp_path: Path
) -> None:
    with transaction(sqlite_store.sessions) as s:
        fill_sample(s)
    with pytest.raises(MergeConflictError, match="document 'Interview 2': not in this project"):
        _merge(sqlite_store, _foreign(tmp_path))
    report = _merge(sqlite_store, _foreign(tmp_path), skip_unmatched=True)
    assert not any(c.codings_added for c in report.coders)  # type: ignore[attr-defined]


def test_qcodes_own_qdpx_merges_like_a_copy(
    sqlite_store: Store, sqlite_template: Path, tmp_path: Path
) -> None:
    with transaction(sqlite_store.sessions) as s:
        fill_sample(s)
    with laptop(sqlite_store, sqlite_template, tmp_path / "laptop.db") as there:
        toggle(there, "bob", "A", 1, "wages")
        toggle(there, "bob", "B", 2, "debt")
        out = tmp_path / "bob.qdpx"
        db = there.url.removeprefix("sqlite:///")
        result = CliRunner().invoke(app, ["--db", db, "export", "qdpx", str(out)])
        assert result.exit_code == 0, result.output
    report = _merge(sqlite_store, out)
    assert keys(sqlite_store) == {("bob", "A", 1, "wages"), ("bob", "B", 2, "debt")}
    assert [(c.name, c.how) for c in report.coders] == [("bob", "same GUID")]  # type: ignore[attr-defined]
    assert not _merge(sqlite_store, out).changed  # type: ignore[attr-defined]
