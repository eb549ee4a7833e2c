"""Small files of other programs' formats built for the reader tests: PDF, ODT, DOCX with a table."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape


def pdf(lines: Sequence[str], *, title: str = "") -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica, one line each; blank = a gap)."""

    def literal(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 12 Tf", "72 760 Td", "16 TL"]
    for line in lines:
        ops.append(f"({literal(line)}) Tj T*" if line else "T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    if title:
        objects.append(b"<< /Title (" + literal(title).encode("latin-1") + b") >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    info = f" /Info {len(objects)} 0 R" if title else ""
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n"
    out.write(trailer.encode())
    return out.getvalue()


_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)


def odt(body: str) -> bytes:
    """An OpenDocument text file whose ``office:text`` holds ``body`` (ODF XML)."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS} office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
    return buf.getvalue()


def odt_paragraph(text: str) -> str:
    return f"<text:p>{escape(text)}</text:p>"


def odt_table(rows: Sequence[Sequence[str]]) -> str:
    cells = "".join(
        "<table:table-row>"
        + "".join(f"<table:table-cell><text:p>{escape(c)}</text:p></table:table-cell>" for c in row)
        + "</table:table-row>"
        for row in rows
    )
    return f'<table:table table:name="T">{cells}</table:table>'


def docx_with_table(heading: str, intro: str, rows: Sequence[Sequence[str]], header_rows: int = 0) -> bytes:
    """A Word document: a heading, a paragraph, then the interview as a table (its first
    ``header_rows`` marked "Repeat as header row", as Word writes them)."""
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    document.add_heading(heading, level=1)
    document.add_paragraph(intro)
    table = document.add_table(rows=0, cols=len(rows[0]))
    for number, row in enumerate(rows):
        added = table.add_row()
        if number < header_rows:
            added._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, text in zip(added.cells, row, strict=True):
            cell.text = text
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    """An Excel workbook whose first sheet holds ``rows`` (the first is the header)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


#: How a zip can be damaged or unusual: ``(compression method, flag bits added, what is flipped)``.
DAMAGES: dict[str, tuple[int | None, int, str]] = {
    "deflate64": (9, 0, ""),  # Windows Explorer writes it for big files
    "ppmd": (98, 0, ""),
    "unknown-method": (77, 0, ""),
    "lzma-garbage": (14, 0, ""),  # LZMA is readable, but these bytes are not LZMA
    "bzip2-garbage": (12, 0, ""),
    "aes": (99, 0x1, ""),  # WinZip AES: encrypted, method 99
    "encrypted": (None, 0x1, ""),  # traditional PKWARE encryption
    "strong-encryption": (None, 0x41, ""),
    "patched": (None, 0x20, ""),
    "crc": (None, 0, "crc"),  # the recorded CRC-32 no longer matches the data
    "flipped-byte": (None, 0, "data"),  # a byte of the packed data flipped
}


def damaged(archive: bytes, member: str, damage: str) -> bytes:
    """``archive`` with ``member`` damaged as :data:`DAMAGES` names (or ``"truncated"``: cut in half).

    The member's compression method and flag bits are patched in both its local header and the
    central directory (no zip library writes these on purpose); ``crc`` flips its recorded CRC-32
    (local header +14, central entry +16), ``flipped-byte`` a byte of its packed data.
    """
    if damage == "truncated":
        return archive[: len(archive) // 2]
    method, flags, flip = DAMAGES[damage]
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        info = zf.getinfo(member)
        central = zf.start_dir  # type: ignore[attr-defined]
    headers = [(info.header_offset, 6, 8, 14)]  # local header: flags at +6, method at +8, CRC at +14
    at = central
    while data[at : at + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = (
            int.from_bytes(data[at + i : at + i + 2], "little") for i in (28, 30, 32)
        )
        if data[at + 46 : at + 46 + name_len].decode("utf-8") == member:
            headers.append((at, 8, 10, 16))  # central entry: flags at +8, method at +10, CRC at +16
        at += 46 + name_len + extra_len + comment_len
    for start, flag_at, method_at, crc_at in headers:
        if flip == "crc":
            data[crc_at + start] ^= 0xFF
        old = int.from_bytes(data[start + flag_at : start + flag_at + 2], "little")
        data[start + flag_at : start + flag_at + 2] = (old | flags).to_bytes(2, "little")
        if method is not None:
            data[start + method_at : start + method_at + 2] = method.to_bytes(2, "little")
    if flip == "data":
        name_len, extra_len = (
            int.from_bytes(data[info.header_offset + i : info.header_offset + i + 2], "little")
            for i in (26, 28)
        )
        body = info.header_offset + 30 + name_len + extra_len
        data[body + info.compress_size // 2] ^= 0xFF
    return bytes(data)
