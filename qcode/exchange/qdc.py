"""REFI-QDA codebook exchange (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``, REFI-QDA 1.5 §5.2).

Export writes the hierarchy as nested ``Code`` elements (groups ``isCodable="false"``, leaves ``"true"``).
The fields REFI has no place for (id, hotkey, criteria, example, keywords) go at the end of each
``Description`` after a line ``--- qcode ---``, as a small YAML mapping that other programs show as text
and qcode reads back. Import keeps GUIDs (braces or not), names, hierarchy, descriptions and colours
from any program and fills what qcode lacks. XML is parsed with :mod:`defusedxml`: entity declarations
and external references are refused, never expanded or fetched.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import yaml

from qcode import __version__
from qcode.codebook import naming
from qcode.codebook.model import Codebook, CodebookInvalidError, CodeSpec, Problem, canonical_guid
from qcode.codebook.rules import GUID_RE, ID_RE
from qcode.codebook.schema import FlowList, check_codebook, yaml_text
from qcode.errors import InputError

NS = "urn:QDA-XML:codebook:1.0"
#: Line that starts qcode's own fields at the end of a ``Description``.
MARKER = "--- qcode ---"
#: Colour of an imported top-level code that has none (children inherit their parent's).
DEFAULT_COLOUR = "#888888"
MAX_BYTES = 10_000_000
#: Deeper code trees are refused (real codebooks stay under ten levels).
MAX_DEPTH = 64
_RGB = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_ORIGIN = re.compile(r"qcode \S+; codebook (?P<name>.+); version (?P<version>\d+)")
_EXTRA_TEXT = ("inclusion", "exclusion")


def dump_qdc(codebook: Codebook) -> bytes:
    """The codebook as a REFI-QDA ``.qdc`` document (UTF-8 bytes) that validates against Codebook.xsd.

    Raises:
        CodebookInvalidError: the codebook breaks a rule (duplicate GUIDs, unknown parents, cycles…).
    """
    problems = check_codebook(codebook, require_hotkeys=False)
    if problems:
        raise CodebookInvalidError(problems)
    origin = f"qcode {__version__}; codebook {codebook.name}; version {codebook.version}"
    # ElementTree cannot combine a default namespace with plain attributes, so the namespace is
    # written as an ordinary xmlns attribute and every element is left unprefixed.
    root = ET.Element("CodeBook", {"xmlns": NS, "origin": origin})
    codes = ET.SubElement(root, "Codes")
    groups = codebook.group_ids

    def add(parent: ET.Element, code: CodeSpec) -> None:
        attrs = {
            "guid": code.effective_guid,
            "name": code.name,
            "isCodable": "false" if code.id in groups else "true",
            "color": code.colour,
        }
        element = ET.SubElement(parent, "Code", attrs)
        ET.SubElement(element, "Description").text = description_with_fields(code)
        for child in codebook.children(code.id):
            add(element, child)

    for top in codebook.children(None):
        add(codes, top)
    ET.indent(root)
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    return document.encode("utf-8")


def write_qdc(codebook: Codebook, path: str | Path) -> None:
    """Write :func:`dump_qdc` to ``path``."""
    Path(path).write_bytes(dump_qdc(codebook))


def description_with_fields(code: CodeSpec) -> str:
    """The ``Description`` text: the description, a blank line, the marker and qcode's own fields."""
    fields: dict[str, object] = {"id": code.id}
    if code.hotkey is not None:
        fields["hotkey"] = code.hotkey
    for name in _EXTRA_TEXT:
        if getattr(code, name):
            fields[name] = getattr(code, name)
    if code.example_text or code.example_interviewee:
        fields["example"] = {"text": code.example_text, "interviewee": code.example_interviewee}
    if code.keywords:
        fields["keywords"] = FlowList(code.keywords)
    trailer = MARKER + "\n" + yaml_text(fields, width=1000)
    return f"{code.description}\n\n{trailer}" if code.description else trailer


def split_description(text: str) -> tuple[str, dict[str, Any]]:
    """Undo :func:`description_with_fields`; text without a readable qcode part is all description."""
    lines = text.split("\n")
    at = max((i for i, line in enumerate(lines) if line.strip() == MARKER), default=None)
    if at is None:
        return text.strip(), {}
    try:
        fields = yaml.safe_load("\n".join(lines[at + 1 :]))
    except yaml.YAMLError:
        return text.strip(), {}
    if not isinstance(fields, dict):
        return text.strip(), {}
    body = "\n".join(lines[:at])  # qcode writes description + "\n\n" + marker: one "\n" is left over
    return body.removesuffix("\n"), fields


def read_qdc(path: str | Path) -> Codebook:
    """Import a ``.qdc`` file written by qcode or another QDA program.

    Raises:
        InputError: unreadable, not XML, not a REFI codebook, or refused (entities, external references).
        CodebookInvalidError: codes with missing or duplicate GUIDs or names, listed all at once.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read codebook: {exc.strerror or exc}", path=str(path)) from None
    return parse_qdc(data, path=str(path), name=path.stem)


def parse_qdc(data: bytes, *, path: str = "<qdc>", name: str = "imported") -> Codebook:
    """Import ``.qdc`` bytes; ``name`` names the codebook unless qcode wrote the file (see ``read_qdc``)."""
    if not data.strip():
        raise InputError("file is empty; expected a REFI-QDA codebook (.qdc)", path=path, line=1)
    if len(data) > MAX_BYTES:
        raise InputError(f"file is too large ({len(data)} bytes; at most {MAX_BYTES})", path=path, line=1)
    root, lines = _parse_xml(data, path)
    namespace, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if local != "CodeBook":
        message = f"root element is <{local}>, not <CodeBook>: not a REFI-QDA codebook"
        raise InputError(message, path=path, line=lines.get(id(root)))
    tag = (lambda t: f"{{{namespace}}}{t}") if namespace else (lambda t: t)
    codes_el = root.find(tag("Codes"))
    if codes_el is None:
        raise InputError("<CodeBook> has no <Codes> element", path=path, line=lines.get(id(root)))
    origin = _ORIGIN.fullmatch(root.get("origin", ""))
    if origin:
        name, version = origin["name"], int(origin["version"])
    else:
        version = 1
    reader = _Reader(path, tag, lines)
    for element in codes_el.findall(tag("Code")):
        reader.read(element, None, None)
    if reader.problems:
        raise CodebookInvalidError(reader.problems)
    codebook = Codebook(naming.clean_name(name) or "imported", version, tuple(reader.finish()))
    problems = check_codebook(codebook, path=path, lines=reader.lines, require_hotkeys=False)
    if problems:
        raise CodebookInvalidError(problems)
    return codebook


class _LineBuilder(ET.TreeBuilder):
    """A tree builder that notes the line of each element's start tag."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.expat: Any = None

    def start(self, tag: Any, attrs: dict[Any, Any], /) -> ET.Element:
        element = super().start(tag, attrs)
        self.lines[id(element)] = int(self.expat.CurrentLineNumber)
        return element


def _parse_xml(data: bytes, path: str) -> tuple[ET.Element, dict[int, int]]:
    from defusedxml import DefusedXmlException, ExternalReferenceForbidden
    from defusedxml.ElementTree import DefusedXMLParser

    class Parser(DefusedXMLParser):  # type: ignore[misc]  # defusedxml is untyped
        """defusedxml's parser, allowing a bare ``<!DOCTYPE CodeBook>`` but no external DTD."""

        def defused_start_doctype_decl(
            self, name: str, sysid: str | None, pubid: str | None, _: bool
        ) -> None:
            if sysid or pubid:
                raise ExternalReferenceForbidden(name, None, sysid, pubid)

    builder = _LineBuilder()
    parser = Parser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(": line ")[0]
        message = f"not well-formed XML: {reason} (column {column + 1})"
        raise InputError(message, path=path, line=line) from None
    except ExternalReferenceForbidden as exc:
        message = f"refused: the file refers to an external resource ({exc.sysid}); qcode never fetches one"
        raise InputError(message, path=path, line=parser.parser.CurrentLineNumber) from None
    except DefusedXmlException as exc:
        sysid = getattr(exc, "sysid", None)
        name = getattr(exc, "name", "?")
        what = f"the external entity {name!r} ({sysid})" if sysid else f"the entity {name!r}"
        message = (
            f"refused: the file declares {what}; qcode never expands XML entities "
            "(they can hide an entity-expansion or external-file attack)"
        )
        raise InputError(message, path=path, line=parser.parser.CurrentLineNumber) from None
    return root, builder.lines


class _Raw:
    """One ``Code`` element as read, before ids, names and hotkeys are settled."""

    def __init__(self, name: str, guid: str, parent: int | None, colour: str, text: str) -> None:
        self.name, self.guid, self.parent, self.colour = name, guid, parent, colour
        self.description, self.fields = split_description(_clean_text(text))


class _Reader:
    """Collect the codes of a ``Codes`` element in document order (parents before children)."""

    def __init__(self, path: str, tag: Any, element_lines: dict[int, int]) -> None:
        self.path, self.tag, self.element_lines = path, tag, element_lines
        self.problems: list[Problem] = []
        self.raws: list[_Raw] = []
        self.lines: list[int | None] = []

    def read(
        self, element: ET.Element, parent: int | None, parent_colour: str | None, depth: int = 1
    ) -> None:
        line = self.element_lines.get(id(element))
        if depth > MAX_DEPTH:
            raise InputError(f"codes are nested more than {MAX_DEPTH} levels deep", path=self.path, line=line)
        name = naming.clean_name(element.get("name", ""))
        key = f"Code[@name={name!r}]" if name else "Code"
        if not name:
            self.problems.append(Problem(self.path, line, f"{key}/@name", "missing or empty name attribute"))
        guid = element.get("guid", "").strip()
        if not guid:
            self.problems.append(Problem(self.path, line, f"{key}/@guid", "missing guid attribute"))
        elif not GUID_RE.fullmatch(guid):
            self.problems.append(Problem(self.path, line, f"{key}/@guid", f"{guid!r} is not a GUID"))
        colour = _colour(element.get("color")) or parent_colour or DEFAULT_COLOUR
        description = element.find(self.tag("Description"))
        text = (description.text or "") if description is not None else ""
        index = len(self.raws)
        self.raws.append(_Raw(name, guid, parent, colour, text))
        self.lines.append(line)
        for child in element.findall(self.tag("Code")):
            self.read(child, index, colour, depth + 1)

    def finish(self) -> list[CodeSpec]:
        """Settle ids, names and hotkeys: qcode's own fields where usable, made-up ones otherwise."""
        ids: list[str] = []
        wanted = [_field_id(raw.fields) for raw in self.raws]
        kept = {want for want in wanted if want is not None and wanted.count(want) == 1}
        taken = set(kept)
        for raw, want in zip(self.raws, wanted, strict=True):
            code_id = want if want in kept else naming.unique_id(raw.name, taken)
            assert code_id is not None
            taken.add(code_id)
            ids.append(code_id)
        names: list[str] = []
        folded: set[str] = set()
        for raw in self.raws:
            parent_name = names[raw.parent] if raw.parent is not None else None
            names.append(naming.unique_name(raw.name, folded, parent_name))
            folded.add(names[-1].casefold())
        return [
            _spec(raw, ids[i], names[i], ids[raw.parent] if raw.parent is not None else None, hotkey)
            for i, (raw, hotkey) in enumerate(zip(self.raws, self._hotkeys(names), strict=True))
        ]

    def _hotkeys(self, names: list[str]) -> list[str | None]:
        groups = {raw.parent for raw in self.raws}
        keys: list[str | None] = []
        taken: set[str] = set()
        for raw in self.raws:
            key = raw.fields.get("hotkey")
            chosen = str(key) if naming.usable_hotkey(key) and key not in taken else None
            keys.append(chosen)
            if chosen is not None:
                taken.add(chosen)
        for index, name in enumerate(names):
            if keys[index] is None and index not in groups:
                chosen = naming.free_hotkey(name, taken)
                keys[index] = chosen
                if chosen is not None:
                    taken.add(chosen)
        return keys


def _field_id(fields: dict[str, Any]) -> str | None:
    value = fields.get("id")
    return value if isinstance(value, str) and ID_RE.fullmatch(value) else None


def _spec(raw: _Raw, code_id: str, name: str, parent: str | None, hotkey: str | None) -> CodeSpec:
    fields = raw.fields
    example = fields.get("example")
    text = who = ""
    if isinstance(example, dict) and isinstance(example.get("text"), str):
        who_value = example.get("interviewee")
        if isinstance(who_value, str) and example["text"].strip() and naming.clean_name(who_value):
            text, who = _clean_text(example["text"]), naming.clean_name(who_value)
    raw_keywords = fields.get("keywords")
    keywords: list[str] = []
    for word in raw_keywords if isinstance(raw_keywords, list) else []:
        cleaned = naming.clean_name(word) if isinstance(word, str) else ""
        if cleaned and cleaned.casefold() not in {k.casefold() for k in keywords}:
            keywords.append(cleaned)
    extra = {k: _clean_text(v) if isinstance(v := fields.get(k), str) else "" for k in _EXTRA_TEXT}
    return CodeSpec(
        id=code_id,
        name=name,
        parent=parent,
        description=raw.description,
        inclusion=extra["inclusion"],
        exclusion=extra["exclusion"],
        example_text=text,
        example_interviewee=who,
        keywords=tuple(keywords),
        hotkey=hotkey,
        colour=raw.colour,
        guid=canonical_guid(raw.guid),
    )


def _colour(value: str | None) -> str | None:
    """``#abc`` → ``#aabbcc``, ``#ABCDEF`` → ``#abcdef``; ``None`` if absent or not a colour."""
    if value is None or not _RGB.fullmatch(value.strip()):
        return None
    digits = value.strip()[1:].lower()
    return "#" + ("".join(d * 2 for d in digits) if len(digits) == 3 else digits)


def _clean_text(text: str) -> str:
    from qcode.codebook.rules import FORBIDDEN

    return FORBIDDEN.sub(" ", text)
