"""Word (.docx) transcripts → paragraphs, via python-docx (imported only when needed).

Paragraphs become passages (or join speaker turns, as in plain text); ``Heading N``
paragraphs set the section path and the ``Title`` paragraph (or the document's title
property) becomes the transcript title. Tables, in their place among the paragraphs, give one
passage per row: ``speaker | text`` (with an optional time column first).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from qcode.errors import InputError
from qcode.ingest.archive import DAMAGED, check_members, open_zip
from qcode.ingest.readers.blocks import Block, Flow, SectionPath, table_passages
from qcode.ingest.types import ParsedPassage

#: The part every Word document has.
DOCUMENT_PART = "word/document.xml"
#: Word XML is verbose; refuse a document part this many times larger than the file limit.
XML_EXPANSION = 8

_HEADING_STYLE = re.compile(r"^Heading\s*(\d)$", re.IGNORECASE)


@dataclass(frozen=True)
class DocxContent:
    """What a Word file holds: its title (if any) and its passages."""

    title: str | None
    passages: tuple[ParsedPassage, ...]


def is_docx(data: bytes) -> bool:
    """True if ``data`` is a ZIP archive holding a Word document part."""
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return DOCUMENT_PART in archive.namelist()
    except DAMAGED:
        return False


def read_docx(data: bytes, path: str, *, max_bytes: int) -> DocxContent:
    """Parse a Word document's bytes.

    Raises:
        InputError: not a ZIP archive, not a Word document, too large once unpacked,
            or corrupt.
    """
    _check_archive(data, path, max_bytes)
    import docx  # heavy: only when a Word file is read
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, SyntaxError, *DAMAGED) as exc:
        raise InputError(f"is a corrupt Word document ({exc})", path=path) from None
    flow = Flow()
    section = SectionPath()
    title: str | None = (document.core_properties.title or "").strip() or None
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            flow.table(table_passages(_rows(item), section.text, _header_rows(item)))
            continue
        paragraph = item
        text = paragraph.text.strip()
        style = paragraph.style.name if paragraph.style is not None else ""
        heading = _HEADING_STYLE.match(style or "")
        if style == "Title":
            title = title or " ".join(text.split()) or None
        elif heading:
            section.enter(int(heading.group(1)), text)
        elif text:
            lines = tuple((None, line.strip()) for line in text.splitlines() if line.strip())
            flow.paragraph(Block(lines, section.text))
    return DocxContent(title, flow.passages())


def _rows(table: Any) -> list[list[str]]:
    """A Word table's rows as cell texts (a merged cell once per row)."""
    out = []
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell.text)
        out.append(cells)
    return out


def _header_rows(table: Any) -> int:
    """How many leading rows Word marks as the table's heading ("Repeat as header row")."""
    count = 0
    for row in table.rows:
        properties = row._tr.trPr
        if properties is None or not properties.xpath("./w:tblHeader[not(@w:val='0' or @w:val='false')]"):
            break
        count += 1
    return count


def _check_archive(data: bytes, path: str, max_bytes: int) -> None:
    """Refuse non-ZIP files, ZIPs without a Word part, members Python cannot unpack (encrypted,
    unusual compression) and zip bombs, before parsing."""
    with open_zip(data, path, "a Word document") as archive:
        check_members(archive, path)
        try:
            part = archive.getinfo(DOCUMENT_PART)
        except KeyError:
            raise InputError(
                f"is a ZIP archive but not a Word document (it has no {DOCUMENT_PART})", path=path
            ) from None
        if part.file_size > XML_EXPANSION * max_bytes:
            raise InputError(
                f"is a Word document whose text part unpacks to {part.file_size:,} bytes, "
                f"over {XML_EXPANSION} × the {max_bytes:,}-byte limit; raise the limit or split it",
                path=path,
            )
