"""The quote book: coded segments grouped by code, each in its passage, attributed the report's way.

Pure: the service hands over :class:`QuoteSection` objects; this module renders Markdown and
HTML (``quotebook_docx`` renders Word). An attribution reads ``— A (50, Male, Arab Emirates)``: the
document name, then its age, gender and country where known, as the source report writes them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Document attributes named in an attribution, in this order, when present.
DEFAULT_ATTRIBUTION: tuple[str, ...] = ("age", "gender", "country")
#: Between the coded segments of one passage when the passage itself is left out.
ELLIPSIS = " … "
Run = tuple[str, bool]  # text, coded (emphasised)


@dataclass(frozen=True)
class Quote:
    """One passage with the segments in it coded with the section's code.

    Attributes:
        document: document name (``"A"``).
        attributes: the document's attributes.
        section: the passage's section heading path (may be empty).
        passage: the passage's ordinal in its document.
        text: the passage text.
        spans: coded segments as ``(start, end)`` offsets into ``text``, in order.
        coders: who coded them.
        memos: the coders' memos on these codings.
    """

    document: str
    attributes: dict[str, str]
    section: str
    passage: int
    text: str
    spans: tuple[tuple[int, int], ...]
    coders: tuple[str, ...] = ()
    memos: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuoteSection:
    """All quotes for one code."""

    key: str
    name: str
    description: str
    quotes: tuple[Quote, ...]


def attribution(document: str, attributes: dict[str, str], keys: Sequence[str] = DEFAULT_ATTRIBUTION) -> str:
    """``— A (50, Male, Arab Emirates, Abu Dhabi)``; a speaker with a ``role`` is named by it instead.

    Values sit inside the attribution's brackets, so their own never nest there: a closing
    ``Arab Emirates (Abu Dhabi)`` becomes another item, ``Arab Emirates, Abu Dhabi``, and brackets
    elsewhere in a value become square ones.
    """
    label = attributes.get("role") or document
    values = [_unbracketed(attributes[k].strip()) for k in keys if attributes.get(k, "").strip()]
    return f"— {label} ({', '.join(values)})" if values else f"— {label}"


def credit(quote: Quote, keys: Sequence[str] = DEFAULT_ATTRIBUTION) -> str:
    """The attribution followed by who coded the quote: ``— A (50, Male) · coded by ann, bob``."""
    said = attribution(quote.document, quote.attributes, keys)
    return f"{said} · coded by {', '.join(quote.coders)}" if quote.coders else said


def _unbracketed(value: str) -> str:
    value = re.sub(r"\s*\(([^()]*)\)$", r", \1", value)
    return value.replace("(", "[").replace(")", "]")


def _merged(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Coded spans with those only a space (not a paragraph break) apart joined into one."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and (
            a <= out[-1][1] or (not text[out[-1][1] : a].strip() and "\n\n" not in text[out[-1][1] : a])
        ):
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def runs(quote: Quote, *, context: bool = True) -> list[Run]:
    """The quote as runs of plain and coded text: the whole passage, or only its coded segments."""
    spans = _merged(quote.text, quote.spans)
    if not context:
        out: list[Run] = []
        for i, (a, b) in enumerate(spans):
            if i:
                out.append((ELLIPSIS, False))
            out.append((quote.text[a:b], True))
        return out
    out = []
    pos = 0
    for a, b in spans:
        if a > pos:
            out.append((quote.text[pos:a], False))
        out.append((quote.text[a:b], True))
        pos = b
    if pos < len(quote.text):
        out.append((quote.text[pos:], False))
    return out


def paragraphs(parts: Sequence[Run]) -> list[list[list[Run]]]:
    """Split runs into paragraphs (at blank lines) of lines (at single line breaks)."""
    paras: list[list[list[Run]]] = [[[]]]
    for text, coded in parts:
        for p_index, para_text in enumerate(re.split(r"\n[ \t]*\n\s*", text)):
            if p_index:
                paras.append([[]])
            for l_index, line in enumerate(para_text.split("\n")):
                if l_index:
                    paras[-1].append([])
                if line:
                    paras[-1][-1].append((line, coded))
    return [[line for line in para if line] for para in paras if any(para)]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-]|\d+\.)(?=\s)")


def _escape_marker(match: re.Match[str]) -> str:
    """Keep a line from reading as a heading or list item: ``\\-``, ``\\#``, ``2\\.``."""
    lead, marker = match.group(1), match.group(2)
    return f"{lead}{marker[:-1]}\\." if marker.endswith(".") else f"{lead}\\{marker}"


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _emphasise(text: str, coded: bool, wrap: tuple[str, str], escape: Callable[[str], str]) -> str:
    if not coded or not text.strip():
        return escape(text)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{escape(lead)}{wrap[0]}{escape(text.strip())}{wrap[1]}{escape(trail)}"


def render_markdown(
    sections: Sequence[QuoteSection],
    *,
    title: str = "Quote book",
    keys: Sequence[str] = DEFAULT_ATTRIBUTION,
    context: bool = True,
) -> str:
    """The quote book as Markdown: a heading per code, a block quote per passage, coded text in bold."""
    out = [f"# {_md_escape(title)}", ""]
    for sec in sections:
        out += [f"## {_md_escape(sec.name)}", ""]
        if sec.description:
            out += [f"*{_md_escape(sec.description)}*", ""]
        if not sec.quotes:
            out += ["*No coded segments.*", ""]
        for q in sec.quotes:
            if q.section and context:
                out += [f"**{_md_escape(q.section)}**", ""]
            lines: list[str] = []
            for para in paragraphs(runs(q, context=context)):
                if lines:
                    lines.append("")
                for line in para:
                    md = "".join(_emphasise(t, c, ("**", "**"), _md_escape) for t, c in line)
                    lines.append(_MD_LINE_START.sub(_escape_marker, md))
            if lines:
                lines[0] = "“" + lines[0]
                lines[-1] += "”"
            out += [f"> {line}" if line else ">" for line in lines]
            out += [">", f"> {_md_escape(credit(q, keys))}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


_CSS = (
    "body{font-family:Georgia,serif;max-width:42em;margin:2em auto;line-height:1.5}"
    "blockquote{margin:1.2em 0;padding-left:1em;border-left:3px solid #bbb}"
    "blockquote footer{margin-top:.3em;font-style:italic}"
    ".section{font-variant:small-caps;color:#555;margin-bottom:0}.description{color:#555}"
)


def render_html(
    sections: Sequence[QuoteSection],
    *,
    title: str = "Quote book",
    keys: Sequence[str] = DEFAULT_ATTRIBUTION,
    context: bool = True,
) -> str:
    """The quote book as one self-contained HTML page (UTF-8, everything escaped)."""
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(title)}</h1>",
    ]
    for sec in sections:
        out.append(f'<section id="{esc(sec.key)}">')
        out.append(f"<h2>{esc(sec.name)}</h2>")
        if sec.description:
            out.append(f'<p class="description">{esc(sec.description)}</p>')
        if not sec.quotes:
            out.append("<p><em>No coded segments.</em></p>")
        for q in sec.quotes:
            if q.section and context:
                out.append(f'<p class="section">{esc(q.section)}</p>')
            paras = paragraphs(runs(q, context=context))
            body = [
                "<br>".join(
                    "".join(_emphasise(t, c, ("<strong>", "</strong>"), esc) for t, c in line)
                    for line in para
                )
                for para in paras
            ]
            if body:
                body[0] = "“" + body[0]
                body[-1] += "”"
            out.append("<blockquote>")
            out.extend(f"<p>{b}</p>" for b in body)
            out.append(f"<footer>{esc(credit(q, keys))}</footer>")
            out.append("</blockquote>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
