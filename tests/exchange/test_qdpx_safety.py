"""Unsafe .qdpx files are refused before anything is written: paths, bombs, XML attacks."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qcode.errors import InputError
from qcode.exchange.qdpx_import import import_qdpx
from qcode.exchange.qdpx_read import ZipLimits, is_qdpx, read_qdpx
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Code, Document, Event

QDE = (
    '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="p">'
    '<Sources><TextSource guid="5ec00009-0000-4000-8000-000000000009" name="S" '
    'plainTextPath="internal://s.txt"/></Sources></Project>'
)


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _nothing_written(store: Store) -> None:
    with store.sessions() as session:
        for model in (Document, Code, Event):
            assert session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize(
    "evil", ["../evil.txt", "sources/../../evil.txt", "/etc/passwd", "C:/evil.txt", "..\\evil.txt"]
)
def test_member_names_outside_the_target_are_refused(sqlite_store: Store, tmp_path: Path, evil: str) -> None:
    path = _zip(tmp_path / "evil.qdpx", {"project.qde": QDE, "sources/s.txt": "Hello there.", evil: "x"})
    with pytest.raises(InputError, match="unsafe member name"), transaction(sqlite_store.sessions) as session:
        import_qdpx(session, path)
    _nothing_written(sqlite_store)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_zip_bomb_is_refused(sqlite_store: Store, tmp_path: Path) -> None:
    bomb = b"A" * (8 * 1024 * 1024)  # 8 MiB of one letter deflates to a few KiB
    path = _zip(tmp_path / "bomb.qdpx", {"project.qde": QDE, "sources/s.txt": bomb})
    assert path.stat().st_size < 100_000
    limits = ZipLimits(max_member_bytes=1024 * 1024)
    with pytest.raises(InputError, match=r"too large|expands"), transaction(sqlite_store.sessions) as session:
        import_qdpx(session, path, limits=limits)
    _nothing_written(sqlite_store)


def test_the_reported_zip_bomb_is_refused_with_the_real_defaults(sqlite_store: Store, tmp_path: Path) -> None:
    """A .qdpx of a few hundred KB whose source expands to 60 MiB: refused on its headers, in one line."""
    bomb = b"forced labour " * (60 * 1024 * 1024 // 14)
    path = _zip(tmp_path / "bomb.qdpx", {"project.qde": QDE, "sources/s.txt": bomb})
    assert path.stat().st_size < 241_000
    with pytest.raises(InputError) as caught, transaction(sqlite_store.sessions) as session:
        import_qdpx(session, path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)) and "expands" in message
    _nothing_written(sqlite_store)


def test_more_text_than_a_transcript_may_hold_is_refused_with_the_real_defaults(tmp_path: Path) -> None:
    """Stored uncompressed (no suspicious ratio), 65 MiB is still more than a project may unpack to."""
    path = tmp_path / "big.qdpx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("project.qde", QDE)
        zf.writestr("sources/s.txt", b"x" * (65 * 1024 * 1024))
    with pytest.raises(InputError, match=r"too large .* a project may unpack to 67,108,864 in all"):
        read_qdpx(path)


def test_a_member_that_lies_about_its_size_is_cut_off(tmp_path: Path) -> None:
    path = _zip(tmp_path / "liar.qdpx", {"project.qde": QDE, "sources/s.txt": b"B" * 50_000})
    data = bytearray(path.read_bytes())
    # shrink the declared size of sources/s.txt in the central directory (and the local header)
    for sig in (b"PK\x01\x02", b"PK\x03\x04"):
        start = 0
        while (at := data.find(sig, start)) >= 0:
            offset = 24 if sig == b"PK\x01\x02" else 22
            name_len_at = 28 if sig == b"PK\x01\x02" else 26
            name_len = int.from_bytes(data[at + name_len_at : at + name_len_at + 2], "little")
            header = 46 if sig == b"PK\x01\x02" else 30
            if data[at + header : at + header + name_len] == b"sources/s.txt":
                data[at + offset : at + offset + 4] = (100).to_bytes(4, "little")
            start = at + 4
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"damaged member|beyond the size limit"):
        read_qdpx(path, ZipLimits(max_member_bytes=1000))


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    members: dict[str, bytes | str] = {"project.qde": QDE, "sources/s.txt": "x"}
    members.update({f"sources/{i}.txt": "" for i in range(30)})
    with pytest.raises(InputError, match="32 members"):
        read_qdpx(_zip(tmp_path / "many.qdpx", members), ZipLimits(max_members=20))


def test_xml_entities_are_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="&lol2;"/>'
    )
    with pytest.raises(InputError, match="not safe, well-formed XML"):
        read_qdpx(_zip(tmp_path / "lol.qdpx", {"project.qde": laughs}))
    external = (
        '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
    )
    with pytest.raises(InputError, match="not safe"):
        read_qdpx(_zip(tmp_path / "xxe.qdpx", {"project.qde": external}))


def test_broken_files_are_input_errors(tmp_path: Path) -> None:
    not_zip = tmp_path / "p.qdpx"
    not_zip.write_text("hello")
    with pytest.raises(InputError, match=r"not a \.qdpx"):
        read_qdpx(not_zip)
    with pytest.raises(InputError, match=r"exactly one \.qde"):
        read_qdpx(_zip(tmp_path / "none.qdpx", {"sources/s.txt": "x"}))
    with pytest.raises(InputError, match=r"sources/s\.txt is missing"):
        read_qdpx(_zip(tmp_path / "missing.qdpx", {"project.qde": QDE}))
    with pytest.raises(InputError, match="not UTF-8"):
        read_qdpx(
            _zip(tmp_path / "latin.qdpx", {"project.qde": QDE, "sources/s.txt": "Jos\xe9".encode("latin-1")})
        )
    with pytest.raises(InputError, match="not Project"):
        read_qdpx(_zip(tmp_path / "root.qdpx", {"project.qde": "<CodeBook/>"}))


def test_external_sources_are_skipped_not_read(tmp_path: Path) -> None:
    qde = QDE.replace("internal://s.txt", "absolute:///etc/hostname")
    project = read_qdpx(_zip(tmp_path / "ext.qdpx", {"project.qde": qde}))
    assert project.sources == () and "external text file" in project.skipped[0]


def test_is_qdpx_by_extension_or_content(tmp_path: Path) -> None:
    assert is_qdpx(tmp_path / "x.QDPX")
    assert is_qdpx(_zip(tmp_path / "x.zip", {"project.qde": QDE}))
    assert not is_qdpx(_zip(tmp_path / "y.zip", {"a/project.qde": QDE}))
    text = tmp_path / "t.txt"
    text.write_text("no")
    assert not is_qdpx(text)
