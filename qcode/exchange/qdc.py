"""REFI-QDA codebook exchange (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``, REFI-QDA 1.5 §5.2).

Export writes the hierarchy as nested ``Code`` elements with each code's own ``isCodable`` and colour
(none where the code has none). The criteria, example and keywords REFI has no field for are written
into ``Description`` as readable prose that other programs show (:mod:`qcode.exchange.criteria`), and
read back from it. Import keeps GUIDs (braces or not), names, hierarchy, ``isCodable``, descriptions
and colours from any program; qcode's ids are derived from names and hotkeys given to codable codes
(:func:`adopt_identities` keeps a project's own ids and hotkeys for the codes it already has).
XML is parsed with :mod:`defusedxml`: entity declarations and external references are refused,
never expanded or fetched; an XML declaration naming an unknown encoding is refused in one line.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from qcode import __version__
from qcode.codebook import naming
from qcode.codebook.model import Codebook, CodebookInvalidError, CodeSpec, Problem, canonical_guid
from qcode.codebook.rules import GUID_RE, ID_RE
from qcode.codebook.schema import check_codebook
from qcode.errors import InputError
from qcode.exchange.criteria import Criteria, describe, legacy_fields, read_description
from qcode.exchange.xmlsafe import declared_encoding_problem

NS = "urn:QDA-XML:codebook:1.0"
MAX_BYTES = 10_000_000
#: Deeper code trees are refused (real codebooks stay under ten levels).
MAX_DEPTH = 64
_RGB = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_ORIGIN = re.compile(r"qcode \S+; codebook (?P<name>.+); version (?P<version>\d+)")


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

    def add(parent: ET.Element, code: CodeSpec) -> None:
        attrs = {
            "guid": code.effective_guid,
            "name": code.name,
            "isCodable": "true" if codebook.is_codable(code) else "false",
        }
        if code.colour:
            attrs["color"] = code.colour
        element = ET.SubElement(parent, "Code", attrs)
        text = describe(criteria_of(code))
        if text:
            ET.SubElement(element, "Description").text = text
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


def criteria_of(code: CodeSpec) -> Criteria:
    """The parts of a code its ``Description`` carries."""
    return Criteria(
        code.description,
        code.inclusion,
        code.exclusion,
        code.example_text,
        code.example_interviewee,
        code.keywords,
    )


def adopt_identities(codebook: Codebook, project: Codebook) -> Codebook:
    """``codebook`` with the project's ids and hotkeys for the codes whose GUID the project has.

    A ``.qdc`` carries no qcode ids or hotkeys, so loading one back would otherwise rename every
    code's id (and its hotkey) and treat it as a new code.
    """
    known = {code.effective_guid: code for code in project.codes}
    ids = {
        code.id: known[code.effective_guid].id if code.effective_guid in known else code.id
        for code in codebook.codes
    }
    if len(set(ids.values())) != len(ids):
        return codebook
    hotkeys = {known[c.effective_guid].hotkey for c in codebook.codes if c.effective_guid in known} - {None}
    codes = []
    for code in codebook.codes:
        mine = known.get(code.effective_guid)
        hotkey = mine.hotkey if mine is not None else code.hotkey if code.hotkey not in hotkeys else None
        parent = ids[code.parent] if code.parent is not None else None
        codes.append(dataclasses.replace(code, id=ids[code.id], parent=parent, hotkey=hotkey))
    return dataclasses.replace(codebook, codes=tuple(codes))


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
    problem = declared_encoding_problem(data)
    if problem:
        raise InputError(problem, path=path, line=1)
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
        reader.read(element, None)
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
    except (LookupError, UnicodeError) as exc:
        raise InputError(f"cannot decode the file ({exc})", path=path, line=1) from None
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

    def __init__(
        self, name: str, guid: str, parent: int | None, colour: str | None, codable: bool, text: str
    ) -> None:
        self.name, self.guid, self.parent, self.colour, self.codable = name, guid, parent, colour, codable
        self.criteria = read_description(_clean_text(text))
        self.fields = _legacy_fields(text)


class _Reader:
    """Collect the codes of a ``Codes`` element in document order (parents before children)."""

    def __init__(self, path: str, tag: Any, element_lines: dict[int, int]) -> None:
        self.path, self.tag, self.element_lines = path, tag, element_lines
        self.problems: list[Problem] = []
        self.raws: list[_Raw] = []
        self.lines: list[int | None] = []

    def read(self, element: ET.Element, parent: int | None, depth: int = 1) -> None:
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
        codable = (element.get("isCodable") or "true").strip().lower() not in ("false", "0")
        description = element.find(self.tag("Description"))
        text = (description.text or "") if description is not None else ""
        index = len(self.raws)
        self.raws.append(_Raw(name, guid, parent, _colour(element.get("color")), codable, text))
        self.lines.append(line)
        for child in element.findall(self.tag("Code")):
            self.read(child, index, depth + 1)

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
        keys: list[str | None] = []
        taken: set[str] = set()
        for raw in self.raws:
            key = raw.fields.get("hotkey")
            usable = raw.codable and naming.usable_hotkey(key) and key not in taken
            chosen = str(key) if usable else None
            keys.append(chosen)
            if chosen is not None:
                taken.add(chosen)
        for index, name in enumerate(names):
            if keys[index] is None and self.raws[index].codable:
                chosen = naming.free_hotkey(name, taken)
                keys[index] = chosen
                if chosen is not None:
                    taken.add(chosen)
        return keys


def _field_id(fields: dict[str, Any]) -> str | None:
    value = fields.get("id")
    return value if isinstance(value, str) and ID_RE.fullmatch(value) else None


def _spec(raw: _Raw, code_id: str, name: str, parent: str | None, hotkey: str | None) -> CodeSpec:
    found = raw.criteria
    who = naming.clean_name(found.example_interviewee)
    text = _clean_text(found.example_text) if who and found.example_text.strip() else ""
    keywords: list[str] = []
    for word in found.keywords:
        cleaned = naming.clean_name(word)
        if cleaned and cleaned.casefold() not in {k.casefold() for k in keywords}:
            keywords.append(cleaned)
    return CodeSpec(
        id=code_id,
        name=name,
        parent=parent,
        description=found.description,
        inclusion=found.inclusion,
        exclusion=found.exclusion,
        example_text=text,
        example_interviewee=who if text else "",
        keywords=tuple(keywords),
        hotkey=hotkey,
        colour=raw.colour,
        guid=canonical_guid(raw.guid),
        codable=raw.codable,
    )


def _legacy_fields(text: str) -> dict[str, Any]:
    """The id and hotkey of the YAML block older qcode versions wrote after ``--- qcode ---``."""
    found = legacy_fields(text)
    return {k: v for k, v in found[1].items() if k in ("id", "hotkey")} if found else {}


def _colour(value: str | None) -> str | None:
    """``#abc`` → ``#aabbcc``, ``#ABCDEF`` → ``#abcdef``; ``None`` if absent or not a colour."""
    if value is None or not _RGB.fullmatch(value.strip()):
        return None
    digits = value.strip()[1:].lower()
    return "#" + ("".join(d * 2 for d in digits) if len(digits) == 3 else digits)


def _clean_text(text: str) -> str:
    from qcode.codebook.rules import FORBIDDEN

    return FORBIDDEN.sub(" ", text)
