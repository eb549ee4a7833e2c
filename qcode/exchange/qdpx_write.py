"""Write a :class:`QProject` as a REFI-QDA .qdpx: ``project.qde`` plus ``sources/GUID.txt``. Pure.

The XML follows the element order of ``Project.xsd`` (QDA-XML 1.0). Source texts go in the
zip as UTF-8 files referenced as ``internal://GUID.txt``, byte for byte, so offsets stay exact
(inline ``PlainTextContent`` would lose carriage returns to XML line-end normalisation).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from typing import IO, Any

from qcode.exchange.qdpx_model import (
    LAYOUT_MEMBER,
    NAMESPACE,
    REFI_TYPES,
    QCode,
    QNote,
    QProject,
    QSource,
    QVariable,
    derived_guid,
    fits,
    value_text,
)

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RGB = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")


def _x(text: str) -> str:
    """Drop characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str | None) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: _x(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = _x(text)
    return el


def source_member(source: QSource) -> str:
    """The zip member holding a source's text."""
    return f"sources/{source.guid}.txt"


def project_xml(project: QProject) -> bytes:
    """``project.qde``: UTF-8 XML valid against Project.xsd."""
    root = ET.Element("Project", {"xmlns": NAMESPACE, "name": _x(project.name)})
    for key, value in (
        ("origin", project.origin),
        ("creatingUserGUID", project.user),
        ("creationDateTime", project.created),
    ):
        if value:
            root.set(key, _x(value))
    if project.users:
        users = _sub(root, "Users")
        for u in project.users:
            _sub(users, "User", guid=u.guid, name=u.name)
    notes: list[QNote] = []  # every note, written once under <Notes> and referenced where it belongs
    if project.codes:
        codes = _sub(_sub(root, "CodeBook"), "Codes")
        for code in project.codes:
            _code(codes, code, notes)
    _cases(root, project)
    if project.sources:
        sources = _sub(root, "Sources")
        for source in project.sources:
            _source(sources, source, notes)
    if notes:
        notes_el = _sub(root, "Notes")
        for n in notes:
            note = _sub(
                notes_el, "Note", guid=n.guid, name="Memo", creatingUser=n.user, creationDateTime=n.created
            )
            _sub(note, "PlainTextContent", n.text)
    ET.indent(root, space=" ")
    out = bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    # ElementTree writes a carriage return in text as is, and XML parsers turn it into a line feed;
    # a character reference survives. (Attributes are already escaped; indentation uses only \n.)
    return out.replace(b"\r", b"&#13;")


def _note_refs(parent: ET.Element, refs: tuple[QNote, ...], notes: list[QNote]) -> None:
    for note in refs:
        notes.append(note)
        _sub(parent, "NoteRef", targetGUID=note.guid)


def _code(parent: ET.Element, code: QCode, notes: list[QNote]) -> None:
    colour = code.colour if code.colour and _RGB.match(code.colour) else None
    el = _sub(
        parent,
        "Code",
        guid=code.guid,
        name=code.name,
        isCodable="true" if code.codable else "false",
        color=colour,
    )
    if code.description:
        _sub(el, "Description", code.description)
    for child in code.children:
        _code(el, child, notes)
    _note_refs(el, code.notes, notes)


def _cases(root: ET.Element, project: QProject) -> None:
    if not project.cases:
        return
    declared = {v.name: v for v in project.variables}
    names = list(dict.fromkeys([*declared, *(name for case in project.cases for name in case.values)]))
    variables = {n: declared.get(n) or QVariable(derived_guid("variable", n), n) for n in names}
    box = _sub(root, "Variables")
    for var in variables.values():
        kind = REFI_TYPES.get(var.type, REFI_TYPES["text"])[0]
        el = _sub(box, "Variable", guid=var.guid, name=var.name, typeOfVariable=kind)
        if var.description:
            _sub(el, "Description", var.description)
    cases = _sub(root, "Cases")
    for case in project.cases:
        el = _sub(cases, "Case", guid=case.guid, name=case.name)
        for name, value in case.values.items():
            var = variables[name]
            kind = var.type if fits(value, var.type) else "text"
            element = REFI_TYPES.get(kind, REFI_TYPES["text"])[1]
            vv = _sub(el, "VariableValue")
            _sub(vv, "VariableRef", targetGUID=var.guid)
            _sub(vv, element, value_text(value))
        for source in case.sources:
            _sub(el, "SourceRef", targetGUID=source)


def _source(parent: ET.Element, source: QSource, notes: list[QNote]) -> None:
    el = _sub(
        parent,
        "TextSource",
        guid=source.guid,
        name=source.name,
        plainTextPath=f"internal://{source.guid}.txt",
        creatingUser=source.user,
        creationDateTime=source.created,
    )
    if source.description:
        _sub(el, "Description", source.description)
    for sel in source.selections:
        sel_el = _sub(
            el,
            "PlainTextSelection",
            guid=sel.guid,
            name=sel.name,
            startPosition=str(sel.start),
            endPosition=str(sel.end),
            creatingUser=sel.user,
            creationDateTime=sel.created,
        )
        for coding in sel.codings:
            c_el = _sub(
                sel_el, "Coding", guid=coding.guid, creatingUser=coding.user, creationDateTime=coding.created
            )
            _sub(c_el, "CodeRef", targetGUID=coding.code)
            if coding.note:
                memo = QNote(derived_guid("note", coding.guid), coding.note, coding.user, coding.created)
                _note_refs(c_el, (memo,), notes)
        _note_refs(sel_el, sel.notes, notes)
    _note_refs(el, source.notes, notes)


def write_qdpx(project: QProject, fh: IO[bytes], *, layout: dict[str, Any] | None = None) -> None:
    """Write the zip: ``project.qde``, every source's text, and qcode's layout member if given."""
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", project_xml(project))
        for source in project.sources:
            zf.writestr(source_member(source), source.text.encode("utf-8"))
        if layout is not None:
            zf.writestr(LAYOUT_MEMBER, json.dumps(layout, ensure_ascii=False, indent=1).encode("utf-8"))
