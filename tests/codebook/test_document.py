"""The codebook as a document: every part of each code, escaped, in Markdown, HTML and Word."""

from __future__ import annotations

import io

import docx

from qcode.codebook.document import (
    CodeAgreementCell,
    CodebookDocument,
    CodeEntry,
    render_html,
    render_markdown,
    write_docx,
)


def _doc() -> CodebookDocument:
    group = CodeEntry("money", "Money", 0, True, "Money flows", "", "", "", "", (), None, (0, 0), 0, None)
    wages = CodeEntry(
        "wages",
        "Wages <pay>",
        1,
        False,
        "What the worker is paid",
        "Amounts of pay | deductions",
        "Money sent home (remittance)",
        "Our monthly wage is *360* dirhams",
        "A",
        ("salary", "pay"),
        "w",
        (80, 72),
        86,
        CodeAgreementCell(0.8512, 0.79, 0.915, "reliable", 86),
    )
    rare = CodeEntry(
        "side",
        "Side work",
        1,
        False,
        "",
        "",
        "",
        "",
        "",
        (),
        "x",
        (0, 3),
        3,
        CodeAgreementCell(None, None, None, None, 3, "no variation"),
    )
    return CodebookDocument("Codebook: demo", 2, ("alice", "bob"), (group, wages, rare), "Alpha per code.")


def test_markdown_has_the_summary_table_and_each_code_in_full() -> None:
    text = render_markdown(_doc())
    assert text.startswith("# Codebook: demo\n\nVersion 2. Alpha per code.\n")
    assert "| &nbsp;&nbsp;Wages \\<pay\\> | `w` | 80 | 72 | 86 | 0.85 [0.79, 0.92] |" in text
    assert "| **Money** |  | 0 | 0 | 0 | — |" in text
    assert "### Wages \\<pay\\>" in text and "## Money" in text
    assert "**Use when:** Amounts of pay \\| deductions" in text
    assert "**Do not use when:** Money sent home (remittance)" in text
    assert "> “Our monthly wage is \\*360\\* dirhams” — A" in text
    assert "**Keywords:** salary, pay" in text
    assert "**Applied:** alice 80, bob 72 (86 segments)" in text
    assert "**Agreement:** α = 0.85 \\[0.79, 0.92\\], reliable; 86 segments coded by anyone" in text
    assert "**Agreement:** undefined (no variation)" in text
    assert "**Applied:** bob 3 (3 segments)" in text


def test_html_escapes_everything_and_keeps_every_part() -> None:
    page = render_html(_doc())
    assert "<h3>Wages &lt;pay&gt;</h3>" in page and "<pay>" not in page
    assert (
        '<td class="n">80</td><td class="n">72</td><td class="n">86</td><td class="n">0.85 [0.79, 0.92]</td>'
        in page
    )
    assert "<blockquote><p>“Our monthly wage is *360* dirhams”</p><footer>— A</footer></blockquote>" in page
    assert '<section id="wages">' in page and "hotkey w" in page


def test_word_document_has_the_table_and_the_sections() -> None:
    buf = io.BytesIO()
    write_docx(_doc(), buf)
    word = docx.Document(io.BytesIO(buf.getvalue()))
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "Code",
        "Hotkey",
        "alice",
        "bob",
        "Segments",
        "α [95% CI]",
    ]
    assert [c.text for c in table.rows[2].cells] == [
        "  Wages <pay>",
        "w",
        "80",
        "72",
        "86",
        "0.85 [0.79, 0.92]",
    ]
    paragraphs = [p.text for p in word.paragraphs]
    assert "Use when: Amounts of pay | deductions" in paragraphs
    assert "“Our monthly wage is *360* dirhams” — A" in paragraphs
    assert "Agreement: α = 0.85 [0.79, 0.92], reliable; 86 segments coded by anyone" in paragraphs
    assert [p.text for p in word.paragraphs if p.style.name.startswith("Heading")] == [
        "Money",
        "Wages <pay>",
        "Side work",
    ]
