"""PDF transcripts with a text layer → passages, via pypdf (imported only when a PDF is read).

The text of each page is read in order and parsed like plain text (paragraphs at blank lines,
speaker turns where most lines start with ``Name:``). A PDF without a text layer (a scan) or
that needs a password is refused in one line.
"""

from __future__ import annotations

import io

from qcode.errors import InputError
from qcode.ingest.readers.text import parse_text
from qcode.ingest.types import ParsedPassage

#: More pages than this are refused (a transcript is rarely over a few hundred).
MAX_PAGES = 5_000


def read_pdf(data: bytes, path: str) -> tuple[str | None, tuple[ParsedPassage, ...]]:
    """The PDF's title (document information) and its passages.

    Raises:
        InputError: not a PDF, damaged, encrypted, too many pages, or no text layer.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("is a password-protected PDF; save an unprotected copy first", path=path)
        if len(reader.pages) > MAX_PAGES:
            raise InputError(f"has {len(reader.pages):,} pages (at most {MAX_PAGES:,})", path=path)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise InputError(f"is not a readable PDF ({type(exc).__name__}: {exc})", path=path) from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text.strip():
        raise InputError("is a PDF without a text layer (a scan?); run OCR on it first", path=path)
    return (str(title).strip() or None) if title else None, parse_text(text)
