"""Every file of ``tests/data/hostile`` through its parser: one line naming the file, nothing written,
or a correct import (issue 15 §6). Bounded fuzzing of each parser that reads other programs' files."""

from __future__ import annotations

import contextlib
import io
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from qcode.errors import InputError, QcodeError
from qcode.exchange.codings_csv import import_codings_csv
from qcode.exchange.qdc import parse_qdc, read_qdc
from qcode.exchange.qdpx_import import import_qdpx
from qcode.exchange.qdpx_read import read_qdpx
from qcode.export.tables import read_csv
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Coder, Coding, Document
from tests.exchange.corpus import SHAPES, build

HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"
FOREIGN_QDC = HOSTILE.parent / "codebook-maxqda-style.qdc"


def _one_line(error: Exception, path: Path) -> str:
    message = str(error)
    assert message.startswith(str(path)) and "\n" not in message, message
    return message


def _counts(store: Store) -> tuple[int, int, int]:
    with store.sessions() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(m)) or 0 for m in (Document, Coder, Coding)
        )


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("utf9.qdc", "unknown encoding 'UTF-9'"),
        ("codebook-truncated.qdc", "not well-formed XML"),
        ("codebook-deep.qdc", "nested more than 64 levels"),
    ],
)
def test_hostile_codebooks(name: str, fragment: str) -> None:
    path = HOSTILE / name
    with pytest.raises(InputError) as caught:
        read_qdc(path)
    assert fragment in _one_line(caught.value, path)


def test_a_project_file_declaring_utf9(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "utf9.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(HOSTILE / "utf9-project.qde", "project.qde")
    with pytest.raises(InputError) as caught, transaction(sqlite_store.sessions) as session:
        import_qdpx(session, path)
    assert "unknown encoding 'UTF-9'" in _one_line(caught.value, path)
    assert _counts(sqlite_store) == (0, 0, 0)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("codings-year-one.csv", "is out of range"),
        ("codings-long-coder.csv", "at most 200"),
        ("codings-binary.csv", "not UTF-8"),
    ],
)
def test_hostile_codings_files(seeded: Store, name: str, fragment: str) -> None:
    before = _counts(seeded)
    with pytest.raises(InputError) as caught, transaction(seeded.sessions) as session:
        import_codings_csv(session, HOSTILE / name)
    rows = str(caught.value).splitlines()[1:] or [str(caught.value)]  # one line per bad row
    assert len(rows) == 1 and rows[0].startswith(str(HOSTILE / name)) and fragment in rows[0]
    assert _counts(seeded) == before


@pytest.mark.parametrize("name", ["codings-r-na.csv", "codings-excel-semicolon.csv"])
def test_codings_files_written_elsewhere_import(seeded_sqlite: Store, name: str) -> None:
    with transaction(seeded_sqlite.sessions) as session:
        report = import_codings_csv(session, HOSTILE / name)
    assert report.added == 1
    with seeded_sqlite.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Coding).where(Coding.memo == "NA")) == 0


# ------------------------------------------------------------------ bounded fuzzing


def _mutate(data: bytes, seed: int, edits: int) -> bytes:
    """``data`` with a few random byte flips, deletions, duplications and truncations."""
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(edits):
        if not out:
            break
        at = rng.randrange(len(out))
        kind = rng.randrange(4)
        if kind == 0:
            out[at] = rng.randrange(256)
        elif kind == 1:
            del out[at : at + rng.randrange(1, 16)]
        elif kind == 2:
            out[at:at] = out[at : at + rng.randrange(1, 64)]
        else:
            del out[at:]
    return bytes(out)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 8))
def test_fuzz_qdc(seed: int, edits: int) -> None:
    """A damaged .qdc is read or refused with an InputError; nothing else escapes."""
    data = _mutate(FOREIGN_QDC.read_bytes(), seed, edits)
    with contextlib.suppress(InputError):
        parse_qdc(data, path="fuzz.qdc")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**32), st.integers(1, 8), st.booleans())
def test_fuzz_qdpx_reading(tmp_path: Path, seed: int, edits: int, whole_zip: bool) -> None:
    """A damaged project (its XML or the zip itself) is read or refused with an InputError."""
    shape = SHAPES[seed % len(SHAPES)]
    original = build(shape, tmp_path / f"p{seed}.qdpx")
    if whole_zip:
        damaged = _mutate(original.read_bytes(), seed, edits)
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(original) as src, zipfile.ZipFile(buf, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                qde = info.filename.endswith(".qde")
                dst.writestr(info.filename, _mutate(data, seed, edits) if qde else data)
        damaged = buf.getvalue()
    path = tmp_path / f"d{seed}.qdpx"
    path.write_bytes(damaged)
    with contextlib.suppress(InputError):
        read_qdpx(path)


def test_fuzz_qdpx_import_all_or_nothing(sqlite_store: Store, tmp_path: Path) -> None:
    """Damaged projects imported for real: each one imports or leaves the project as it was."""
    original = build(SHAPES[1], tmp_path / "p.qdpx")
    rng = random.Random(18)
    for n in range(25):
        buf = io.BytesIO()
        with zipfile.ZipFile(original) as src, zipfile.ZipFile(buf, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename.endswith(".qde"):
                    data = _mutate(data, rng.randrange(2**32), rng.randrange(1, 6))
                dst.writestr(info.filename, data)
        path = tmp_path / f"d{n}.qdpx"
        path.write_bytes(buf.getvalue())
        before = _counts(sqlite_store)
        try:
            with transaction(sqlite_store.sessions) as session:
                import_qdpx(session, path)
        except QcodeError:
            assert _counts(sqlite_store) == before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_fuzz_codings_csv_reading(tmp_path: Path, data: bytes) -> None:
    """Any bytes are a table or an InputError."""
    path = tmp_path / "fuzz.csv"
    path.write_bytes(b"document,segment,code,coder\n" + data)
    with contextlib.suppress(InputError):
        read_csv(path)
