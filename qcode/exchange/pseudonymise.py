"""Pseudonymisation of a REFI-QDA project on its way out (``qcode export qdpx --pseudonymize``).

Pure: a gathered :class:`QProject` and qcode's layout member in, the same with every listed name
replaced out (``qcode.export.pseudonym``). Each source's text is replaced whole, with no mention
crossing a segment, passage or selection edge, and every offset (selections, qcode's passages and
segments) is mapped onto the new text, so the file imports anywhere with its selections on the
same words. Names go from memos (notes), source and case names, variable values, section headings
and code descriptions (whose examples quote testimony) too. The document's content hash is left
out of the layout: it described the original text.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from typing import Any

from qcode.exchange.qdpx_model import QCase, QCode, QCoding, QNote, QProject, QSelection, QSource, Value
from qcode.export.pseudonym import Pseudonymiser
from qcode.export.pseudonymise import Ledger

#: Characters of a selection's text used as its name (as ``qdpx_export`` names them).
NAME_CHARS = 80


class _Project:
    def __init__(self, pseudo: Pseudonymiser, ledger: Ledger) -> None:
        self.pseudo, self.ledger = pseudo, ledger

    def value(self, document: str, key: str, value: Value) -> Value:
        """An attribute's value: text is pseudonymised, numbers, dates and true/false are kept."""
        return self.text(document, f"attribute {key}", value) if isinstance(value, str) else value

    def text(self, document: str, where: str, text: str) -> str:
        if not text:
            return text
        red = self.pseudo.apply(text)
        self.ledger.add(document, where, red.mentions)
        return red.text

    def note(self, document: str, where: str, note: QNote) -> QNote:
        return replace(note, text=self.text(document, where, note.text))

    def coding(self, document: str, where: str, coding: QCoding) -> QCoding:
        if not coding.note:
            return coding
        return replace(coding, note=self.text(document, f"memo on {where}", coding.note))

    def code(self, code: QCode) -> QCode:
        where = f"code {code.name}"
        return replace(
            code,
            description=self.text("(codebook)", where, code.description),
            notes=tuple(self.note("(codebook)", f"note on {where}", n) for n in code.notes),
            children=tuple(self.code(c) for c in code.children),
        )

    def code_extra(self, fields: dict[str, Any]) -> dict[str, Any]:
        """qcode's own code details: criteria, the example and who said it, keywords."""
        where = f"code {fields.get('key', '')}"
        for key in ("inclusion", "exclusion", "example_text", "example_interviewee"):
            if isinstance(fields.get(key), str):
                fields[key] = self.text("(codebook)", f"{key.replace('_', ' ')} of {where}", fields[key])
        if isinstance(fields.get("keywords"), list):
            fields["keywords"] = [
                self.text("(codebook)", f"keywords of {where}", str(k)) for k in fields["keywords"]
            ]
        return fields

    def source(self, source: QSource, layout: dict[str, Any] | None) -> tuple[QSource, dict[str, Any] | None]:
        lay = dict(layout or {})
        segments = [(int(a), int(b)) for a, b in lay.get("segments") or []]
        passages = [list(p) for p in lay.get("passages") or []]
        cuts = [x for a, b in segments for x in (a, b)] + [int(x) for p in passages for x in p[:2]]
        cuts += [x for s in source.selections for x in (s.start, s.end)]
        red = self.pseudo.apply(source.text, cuts)
        doc = source.name
        starts = [a for a, _b in segments]
        for m in red.mentions:
            i = bisect_right(starts, m.start) - 1
            where = f"segment {i + 1}" if segments and i >= 0 and m.end <= segments[i][1] else "text"
            self.ledger.add(doc, where, [m])
        selections = tuple(self._selection(doc, s, red) for s in source.selections)
        new = replace(
            source,
            name=self.text(doc, "document name", source.name),
            text=red.text,
            description=self.text(doc, "document title", source.description),
            selections=selections,
            codings=tuple(self.coding(doc, "the document", c) for c in source.codings),
            variables={k: self.value(doc, k, v) for k, v in source.variables.items()},
            notes=tuple(self.note(doc, "memo on the document", n) for n in source.notes),
        )
        if layout is None:
            return new, None
        lay.pop("content_hash", None)
        lay["name"] = new.name
        lay["title"] = self.text(doc, "document title", str(lay.get("title") or ""))
        lay["segments"] = [[red.offset(a), red.offset(b, end=True)] for a, b in segments]
        lay["passages"] = [self._passage(doc, i + 1, p, red) for i, p in enumerate(passages)]
        return new, lay

    def _passage(self, doc: str, n: int, row: list[Any], red: Any) -> list[Any]:
        out = [red.offset(int(row[0])), red.offset(int(row[1]), end=True), *row[2:]]
        for i in (2, 3):  # section heading, speaker
            if i < len(out) and isinstance(out[i], str):
                out[i] = self.text(doc, ("section", "speaker")[i - 2] + f" of passage {n}", out[i])
        return out

    def _selection(self, doc: str, sel: QSelection, red: Any) -> QSelection:
        start, end = red.offset(sel.start), red.offset(sel.end, end=True)
        name = " ".join(red.text[start:end].split())
        name = name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"
        where = f"selection {sel.start}-{sel.end}"
        return replace(
            sel,
            start=start,
            end=end,
            name=name,
            codings=tuple(self.coding(doc, where, c) for c in sel.codings),
            notes=tuple(self.note(doc, f"memo on {where}", n) for n in sel.notes),
        )


def pseudonymise_project(
    project: QProject, layout: dict[str, Any], pseudo: Pseudonymiser, ledger: Ledger
) -> tuple[QProject, dict[str, Any]]:
    """The project and layout with every listed name replaced; the originals are untouched."""
    work = _Project(pseudo, ledger)
    documents = dict(layout.get("documents") or {})
    sources = []
    for source in project.sources:
        new, lay = work.source(source, documents.get(source.guid))
        sources.append(new)
        if lay is not None:
            documents[source.guid] = lay
    names = {s.guid: s.name for s in sources}
    cases = tuple(
        QCase(
            c.guid,
            names.get(c.sources[0], c.name)
            if len(c.sources) == 1
            else work.text(c.name, "case name", c.name),
            {k: work.value(c.name, k, v) for k, v in c.values.items()},
            c.sources,
        )
        for c in project.cases
    )
    codes = tuple(work.code(c) for c in project.codes)
    extra = {guid: work.code_extra(dict(fields)) for guid, fields in (layout.get("codes") or {}).items()}
    out = {**layout, "documents": documents}
    if "codes" in layout:
        out["codes"] = extra
    return replace(project, sources=tuple(sources), cases=cases, codes=codes), out
