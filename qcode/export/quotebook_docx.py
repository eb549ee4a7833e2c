"""The quote book as a Word document (python-docx, imported only when this is called)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from qcode.export.quotebook import DEFAULT_ATTRIBUTION, QuoteSection, credit, paragraphs, runs


def write_docx(
    sections: Sequence[QuoteSection],
    fh: IO[bytes],
    *,
    title: str = "Quote book",
    keys: Sequence[str] = DEFAULT_ATTRIBUTION,
    context: bool = True,
) -> None:
    """Write the quote book: a heading per code, a quote per passage with coded text in bold."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx.Document()
    doc.core_properties.title = title
    doc.add_heading(title, level=0)
    for sec in sections:
        doc.add_heading(sec.name, level=1)
        if sec.description:
            doc.add_paragraph(sec.description).runs[0].italic = True
        if not sec.quotes:
            doc.add_paragraph().add_run("No coded segments.").italic = True
        for q in sec.quotes:
            if q.section and context:
                doc.add_paragraph().add_run(q.section).font.small_caps = True
            paras = paragraphs(runs(q, context=context))
            for p_index, para in enumerate(paras):
                p = doc.add_paragraph(style="Quote")
                if p_index == 0:
                    p.add_run("“")
                for l_index, line in enumerate(para):
                    if l_index:
                        p.add_run().add_break()
                    for text, coded in line:
                        p.add_run(text).bold = coded or None
                if p_index == len(paras) - 1:
                    p.add_run("”")
            credit_line = doc.add_paragraph(credit(q, keys))
            credit_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.save(fh)
