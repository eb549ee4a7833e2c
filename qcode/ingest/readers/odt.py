"""OpenDocument text (``.odt``) → passages, read from its ``content.xml`` with defusedxml.

Headings (``text:h`` with their outline level) set the section; paragraphs and list items become
blocks as in plain text (speaker turns where most start with ``Name:``); tables give one passage
per row, ``speaker | text``. A small reader of the format's own XML: no other library needed.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from qcode.errors import InputError
from qcode.ingest.archive import open_zip, read_member
from qcode.ingest.readers.blocks import Block, Flow, SectionPath, table_passages
from qcode.ingest.types import ParsedPassage

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#: content.xml may unpack to at most this many times the file limit.
XML_EXPANSION = 8


def read_odt(data: bytes, path: str, *, max_bytes: int) -> tuple[ParsedPassage, ...]:
    """The passages of an OpenDocument text file.

    Raises:
        InputError: not a zip with ``content.xml``, too big unpacked, or not well-formed XML.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    limit = XML_EXPANSION * max_bytes
    with open_zip(data, path, "an OpenDocument text file") as archive:
        try:
            info = archive.getinfo("content.xml")
        except KeyError:
            raise InputError(
                "is not an OpenDocument text file (no content.xml in the zip)", path=path
            ) from None
        if info.file_size > limit:
            raise InputError(f"content.xml unpacks to {info.file_size:,} bytes; too big", path=path)
        xml = read_member(archive, info, path, limit)
    if len(xml) > limit:  # the header lied about the size
        raise InputError("content.xml unpacks beyond the size limit", path=path)
    try:
        root = fromstring(xml, forbid_dtd=True)
    except (ParseError, DefusedXmlException, LookupError) as exc:
        raise InputError(f"has unreadable content.xml ({exc})", path=path) from None
    body = root.find(f"{{{_OFFICE}}}body/{{{_OFFICE}}}text")
    if body is None:
        raise InputError("is not an OpenDocument text document (no office:text)", path=path)
    reader = _Reader()
    reader.walk(body)
    return reader.finish()


class _Reader:
    def __init__(self) -> None:
        self.section = SectionPath()
        self.flow = Flow()

    def walk(self, parent: Element) -> None:
        for el in parent:
            if el.tag == f"{{{_TEXT}}}h":
                level = int(el.get(f"{{{_TEXT}}}outline-level") or 1)
                self.section.enter(level, _text(el))
            elif el.tag == f"{{{_TEXT}}}p":
                lines = tuple((None, line.strip()) for line in _text(el).splitlines() if line.strip())
                if lines:
                    self.flow.paragraph(Block(lines, self.section.text))
            elif el.tag == f"{{{_TABLE}}}table":
                self.flow.table(table_passages(_rows(el), self.section.text, _header_rows(el)))
            else:  # lists, sections, frames: their paragraphs count in order
                self.walk(el)

    def finish(self) -> tuple[ParsedPassage, ...]:
        return self.flow.passages()


def _rows(table: Element) -> list[list[str]]:
    cell_tag = f"{{{_TABLE}}}table-cell"
    rows = table.iter(f"{{{_TABLE}}}table-row")
    return [["\n".join(_text(p) for p in cell) for cell in row if cell.tag == cell_tag] for row in rows]


def _header_rows(table: Element) -> int:
    """Rows the table marks as its heading (``table:table-header-rows``)."""
    groups = table.iter(f"{{{_TABLE}}}table-header-rows")
    return sum(1 for group in groups for _ in group.iter(f"{{{_TABLE}}}table-row"))


def _text(el: Element) -> str:
    """An element's text with ODF's spaces, tabs and line breaks spelled out."""
    parts = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == f"{{{_TEXT}}}s":
            parts.append(" " * int(child.get(f"{{{_TEXT}}}c") or 1))
        elif tag == f"{{{_TEXT}}}tab":
            parts.append("\t")
        elif tag == f"{{{_TEXT}}}line-break":
            parts.append("\n")
        elif tag not in (f"{{{_TEXT}}}note", f"{{{_OFFICE}}}annotation"):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
