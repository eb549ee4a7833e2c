"""A qcode transcript in another encoding is read with --encoding, and keeps its real path."""

from __future__ import annotations

import hashlib
from pathlib import Path

from qcode.ingest.formats import read_file

TEXT = (
    "---\nname: P\nattributes:\n  country: Czech Republic\n---\n\n"
    "## Passage 1\n\n- section: Café\n\nWe earned 50 € a month.\n"
)


def test_cp1252_transcript_reads_with_encoding(tmp_path: Path) -> None:
    path = tmp_path / "P.md"
    path.write_bytes(TEXT.encode("cp1252"))
    assert read_file(path).encoding == "cp1252"  # found without being told, and said
    parsed = read_file(path, encoding="cp1252")
    assert parsed.passages[0].text == "We earned 50 € a month."
    assert parsed.passages[0].section == "Café"
    assert parsed.source_path == str(path)
    assert parsed.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
