"""The codebook as a document for a methods appendix: Markdown, HTML or Word.

Pure: the service (:mod:`qcode.codebook.usage`) hands over a :class:`CodebookDocument`; this
module writes it. Each code gets its definition, when to use it and when not, an example with its
speaker, keywords, hotkey, how often each coder applied it, and the agreement on it with its
interval; a summary table comes first.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from qcode.text import plural


@dataclass(frozen=True)
class CodeAgreementCell:
    """Agreement on one code: the coefficient, its interval and band (``None``: undefined)."""

    value: float | None
    low: float | None
    high: float | None
    band: str | None
    positive: int
    note: str = ""


@dataclass(frozen=True)
class CodeEntry:
    """One code as the appendix describes it."""

    key: str
    name: str
    depth: int
    group: bool  # has sub-codes
    description: str
    inclusion: str
    exclusion: str
    example_text: str
    example_interviewee: str
    keywords: tuple[str, ...]
    hotkey: str | None
    counts: tuple[int, ...]  # codings per coder, in CodebookDocument.coders order
    segments: int  # distinct segments coded (by anyone)
    agreement: CodeAgreementCell | None


@dataclass(frozen=True)
class CodebookDocument:
    """The whole appendix."""

    title: str
    version: int
    coders: tuple[str, ...]
    codes: tuple[CodeEntry, ...]
    agreement: str  # what the agreement column is (or why there is none)
    coefficient: str = "α"


def _figure(cell: CodeAgreementCell | None) -> str:
    if cell is None or cell.value is None:
        return "—"
    ci = f" [{cell.low:.2f}, {cell.high:.2f}]" if cell.low is not None and cell.high is not None else ""
    return f"{cell.value:.2f}{ci}"


def _counts(doc: CodebookDocument, code: CodeEntry) -> str:
    applied = ", ".join(f"{c} {n}" for c, n in zip(doc.coders, code.counts, strict=True) if n)
    return f"{applied or 'not applied'} ({code.segments} segment{'s' * (code.segments != 1)})"


def _agreement_line(doc: CodebookDocument, cell: CodeAgreementCell | None) -> str | None:
    if cell is None:
        return None
    if cell.value is None:
        return f"undefined{f' ({cell.note})' if cell.note else ''}"
    band = f", {cell.band}" if cell.band else ""
    return f"{doc.coefficient} = {_figure(cell)}{band}; {plural(cell.positive, 'segment')} coded by anyone"


_MD = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    return _MD.sub(r"\\\1", " ".join(text.split()))


def render_markdown(doc: CodebookDocument) -> str:
    """The appendix as Markdown: a summary table, then a section per code."""
    out = [f"# {_md(doc.title)}", "", f"Version {doc.version}. {_md(doc.agreement)}", ""]
    head = ["Code", "Hotkey", *doc.coders, "Segments", doc.coefficient + " [95% CI]"]
    out += ["| " + " | ".join(_md(h) for h in head) + " |", "|" + "---|" * len(head)]
    for c in doc.codes:
        name = ("&nbsp;&nbsp;" * c.depth) + (f"**{_md(c.name)}**" if c.group else _md(c.name))
        cells = [
            name,
            f"`{c.hotkey}`" if c.hotkey else "",
            *map(str, c.counts),
            str(c.segments),
            _figure(c.agreement),
        ]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    for c in doc.codes:
        out += [f"{'#' * min(2 + c.depth, 6)} {_md(c.name)}", ""]
        facts = (
            [f"id `{c.key}`"]
            + ([f"hotkey `{c.hotkey}`"] if c.hotkey else [])
            + (["group"] if c.group else [])
        )
        out += [" · ".join(facts), ""]
        for label, text in (
            ("Definition", c.description),
            ("Use when", c.inclusion),
            ("Do not use when", c.exclusion),
        ):
            if text.strip():
                out += [f"**{label}:** {_md(text)}", ""]
        if c.example_text.strip():
            who = f" — {_md(c.example_interviewee)}" if c.example_interviewee else ""
            out += [f"> “{_md(c.example_text)}”{who}", ""]
        if c.keywords:
            out += [f"**Keywords:** {_md(', '.join(c.keywords))}", ""]
        out += [f"**Applied:** {_md(_counts(doc, c))}", ""]
        line = _agreement_line(doc, c.agreement)
        if line:
            out += [f"**Agreement:** {_md(line)}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


_CSS = (
    "body{font-family:Georgia,serif;max-width:48em;margin:2em auto;line-height:1.45}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ccc;padding:.2em .6em}"
    "td.n{text-align:right}blockquote{margin:.6em 0;padding-left:1em;border-left:3px solid #bbb}"
    ".facts{color:#555;font-size:.9em}"
)


def render_html(doc: CodebookDocument) -> str:
    """The appendix as one self-contained HTML page (everything escaped)."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f"<title>{e(doc.title)}</title><style>{_CSS}</style></head>",
        "<body>",
        f"<h1>{e(doc.title)}</h1>",
        f"<p>Version {doc.version}. {e(doc.agreement)}</p>",
        "<table><thead><tr>",
        *(
            f"<th>{e(h)}</th>"
            for h in ["Code", "Hotkey", *doc.coders, "Segments", doc.coefficient + " [95% CI]"]
        ),
        "</tr></thead><tbody>",
    ]
    for c in doc.codes:
        name = f"<strong>{e(c.name)}</strong>" if c.group else e(c.name)
        pad = f' style="padding-left:{0.6 + 1.2 * c.depth:.1f}em"'
        nums = "".join(f'<td class="n">{n}</td>' for n in (*c.counts, c.segments))
        out.append(
            f"<tr><td{pad}>{name}</td><td>{e(c.hotkey or '')}</td>{nums}"
            f'<td class="n">{e(_figure(c.agreement))}</td></tr>'
        )
    out.append("</tbody></table>")
    for c in doc.codes:
        level = min(2 + c.depth, 6)
        out.append(f'<section id="{e(c.key)}"><h{level}>{e(c.name)}</h{level}>')
        facts = (
            [f"id {c.key}"] + ([f"hotkey {c.hotkey}"] if c.hotkey else []) + (["group"] if c.group else [])
        )
        out.append(f'<p class="facts">{e(" · ".join(facts))}</p>')
        for label, text in (
            ("Definition", c.description),
            ("Use when", c.inclusion),
            ("Do not use when", c.exclusion),
        ):
            if text.strip():
                out.append(f"<p><strong>{label}:</strong> {e(text)}</p>")
        if c.example_text.strip():
            who = f"<footer>— {e(c.example_interviewee)}</footer>" if c.example_interviewee else ""
            out.append(f"<blockquote><p>“{e(c.example_text)}”</p>{who}</blockquote>")
        if c.keywords:
            out.append(f"<p><strong>Keywords:</strong> {e(', '.join(c.keywords))}</p>")
        out.append(f"<p><strong>Applied:</strong> {e(_counts(doc, c))}</p>")
        line = _agreement_line(doc, c.agreement)
        if line:
            out.append(f"<p><strong>Agreement:</strong> {e(line)}</p>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def write_docx(doc: CodebookDocument, fh: IO[bytes]) -> None:
    """The appendix as a Word document (python-docx, imported here)."""
    import docx

    word = docx.Document()
    word.core_properties.title = doc.title
    word.add_heading(doc.title, level=0)
    word.add_paragraph(f"Version {doc.version}. {doc.agreement}")
    head = ["Code", "Hotkey", *doc.coders, "Segments", doc.coefficient + " [95% CI]"]
    table = word.add_table(rows=1, cols=len(head))
    table.style = "Light List"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    for c in doc.codes:
        values = [
            "  " * c.depth + c.name,
            c.hotkey or "",
            *map(str, c.counts),
            str(c.segments),
            _figure(c.agreement),
        ]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    for c in doc.codes:
        word.add_heading(c.name, level=min(1 + c.depth, 9))
        facts = (
            [f"id {c.key}"] + ([f"hotkey {c.hotkey}"] if c.hotkey else []) + (["group"] if c.group else [])
        )
        word.add_paragraph(" · ".join(facts)).runs[0].italic = True
        for label, text in (
            ("Definition", c.description),
            ("Use when", c.inclusion),
            ("Do not use when", c.exclusion),
        ):
            _docx_labelled(word, label, text)
        if c.example_text.strip():
            who = f" — {c.example_interviewee}" if c.example_interviewee else ""
            word.add_paragraph(f"“{c.example_text}”{who}", style="Quote")
        _docx_labelled(word, "Keywords", ", ".join(c.keywords))
        _docx_labelled(word, "Applied", _counts(doc, c))
        _docx_labelled(word, "Agreement", _agreement_line(doc, c.agreement) or "")
    word.save(fh)


def _docx_labelled(word: object, label: str, text: str) -> None:
    if text.strip():
        p = word.add_paragraph()  # type: ignore[attr-defined]
        p.add_run(f"{label}: ").bold = True
        p.add_run(text)


def titled(name: str) -> str:
    """The document's title for a codebook name."""
    return f"Codebook: {name}"


__all__: Sequence[str] = (
    "CodeAgreementCell",
    "CodeEntry",
    "CodebookDocument",
    "render_html",
    "render_markdown",
    "titled",
    "write_docx",
)
