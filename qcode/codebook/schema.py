"""The codebook file format (YAML, or JSON): parse, validate, dump. Pure: no database, no UI.

The format is documented in ``docs/codebook-format.md``. :func:`validate_codebook` reports every
problem of a file with its line and key; :func:`parse_codebook` raises them all at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from qcode.codebook.crosscheck import check_codes
from qcode.codebook.model import (
    FILE_KEY,
    GUID_NAMESPACE,
    Codebook,
    CodebookInvalidError,
    CodeSpec,
    Problem,
    canonical_guid,
    derive_guid,
)
from qcode.codebook.rules import CODE, TOP, Checker, Draft, kind, raw
from qcode.codebook.source import Entry, Located, Map, Seq, from_plain, load_tree

__all__ = [
    "FILE_KEY",
    "GUID_NAMESPACE",
    "CodeSpec",
    "Codebook",
    "CodebookInvalidError",
    "FlowList",
    "Problem",
    "canonical_guid",
    "check_codebook",
    "check_file",
    "codebook_to_mapping",
    "derive_guid",
    "dump_codebook_yaml",
    "parse_codebook",
    "validate_codebook",
    "yaml_text",
]


def validate_codebook(path: str | Path) -> list[Problem]:
    """Every problem of the codebook file at ``path`` (empty if it is valid).

    Raises:
        InputError: the file cannot be read at all.
    """
    return check_file(path)[1]


def check_file(path: str | Path) -> tuple[Codebook | None, list[Problem]]:
    """Read and check a codebook file: the codebook if valid, and every problem (sorted by line).

    Raises:
        InputError: the file cannot be read at all.
    """
    tree, problems = load_tree(Path(path))
    if tree is None:
        return None, problems
    return check_document(tree, str(path))


def parse_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file (``.yaml``/``.yml``, or ``.json``).

    Raises:
        CodebookInvalidError: (an ``InputError``) listing every problem as ``file:line: key: message``.
        InputError: the file cannot be read at all.
    """
    codebook, problems = check_file(path)
    if problems or codebook is None:
        raise CodebookInvalidError(problems)
    return codebook


def check_codebook(
    codebook: Codebook,
    *,
    path: str = "<memory>",
    lines: Sequence[int | None] | None = None,
    require_hotkeys: bool = True,
) -> list[Problem]:
    """Apply the file rules to a codebook built in code (by an import, a merge, a rename).

    Args:
        codebook: the codebook to check.
        path: label used in the problems.
        lines: optional source line of each code, in order, for the problems.
        require_hotkeys: if false, leaf codes without a hotkey are accepted (imports, exports).
    """
    mapping = codebook_to_mapping(codebook)
    codes = mapping["codes"]
    assert isinstance(codes, list)
    code_nodes: list[Located] = []
    for index, code in enumerate(codes):
        line = lines[index] if lines is not None and index < len(lines) else None
        code_nodes.append(from_plain(code, line))
    root = Map(
        (
            Entry("name", None, from_plain(mapping["name"])),
            Entry("version", None, from_plain(mapping["version"])),
            Entry("codes", None, Seq(tuple(code_nodes), None)),
        ),
        None,
    )
    return check_document(root, path, require_hotkeys=require_hotkeys)[1]


def check_document(
    root: Located, path: str, *, require_hotkeys: bool = True
) -> tuple[Codebook | None, list[Problem]]:
    """Check a whole document tree; return the codebook (only if there is no problem) and every problem."""
    checker = Checker(path)
    top = checker.mapping(root, TOP, "")
    drafts: list[Draft] = []
    if top is not None and isinstance(root, Map):
        codes_node = next((e.value for e in root.entries if e.key == "codes"), None)
        if codes_node is not None:
            drafts = _code_drafts(checker, codes_node)
    check_codes(drafts, checker.add, require_hotkeys=require_hotkeys)
    if checker.problems or top is None:
        return None, sorted(checker.problems, key=lambda problem: problem.line or 0)
    version = top.get("version")
    assert isinstance(version, int)
    return Codebook(str(top.get("name")), version, tuple(_spec(draft) for draft in drafts)), []


def _code_drafts(checker: Checker, node: Located) -> list[Draft]:
    if not isinstance(node, Seq):
        message = getattr(node, "message", None) or f"must be a list of codes, not {kind(raw(node))}"
        checker.add(node.line, "codes", message)
        return []
    if not node.items:
        checker.add(node.line, "codes", "must list at least one code")
    drafts = []
    for index, item in enumerate(node.items):
        draft = checker.mapping(item, CODE, f"codes[{index}]")
        if draft is not None:
            draft.index = index
            drafts.append(draft)
    return drafts


def _spec(draft: Draft) -> CodeSpec:
    example = draft.get("example")
    text, who = (str(example["text"]), str(example["interviewee"])) if isinstance(example, dict) else ("", "")
    keywords = draft.get("keywords")
    hotkey, guid, parent = draft.get("hotkey"), draft.get("guid"), draft.get("parent")
    return CodeSpec(
        id=str(draft.get("id")),
        name=str(draft.get("name")),
        parent=None if parent is None else str(parent),
        description=str(draft.get("description")),
        inclusion=str(draft.get("inclusion") or ""),
        exclusion=str(draft.get("exclusion") or ""),
        example_text=text,
        example_interviewee=who,
        keywords=tuple(str(k) for k in keywords) if isinstance(keywords, tuple) else (),
        hotkey=None if hotkey is None else str(hotkey),
        colour=None if draft.get("colour") is None else str(draft.get("colour")),
        guid=None if guid is None else str(guid),
        codable=codable if isinstance(codable := draft.get("codable"), bool) else None,
    )


def code_to_mapping(code: CodeSpec) -> dict[str, object]:
    """One code as the file writes it: fixed key order, empty optional fields left out."""
    out: dict[str, object] = {"id": code.id, "name": code.name}
    if code.parent is not None:
        out["parent"] = code.parent
    if code.hotkey is not None:
        out["hotkey"] = code.hotkey
    if code.colour is not None:
        out["colour"] = code.colour
    out["description"] = code.description
    if code.inclusion:
        out["inclusion"] = code.inclusion
    if code.exclusion:
        out["exclusion"] = code.exclusion
    if code.example_text or code.example_interviewee:
        out["example"] = {"text": code.example_text, "interviewee": code.example_interviewee}
    if code.keywords:
        out["keywords"] = list(code.keywords)
    if code.guid is not None:
        out["guid"] = code.guid
    if code.codable is not None:
        out["codable"] = code.codable
    return out


def codebook_to_mapping(codebook: Codebook) -> dict[str, object]:
    """The codebook as plain data (what the YAML or JSON file holds)."""
    return {
        "name": codebook.name,
        "version": codebook.version,
        "codes": [code_to_mapping(code) for code in codebook.codes],
    }


class FlowList(list[str]):
    """A list that :func:`yaml_text` writes on one line (``[a, b]``)."""


class _Dumper(yaml.SafeDumper):
    """Safe dumper: multi-line strings as ``|`` blocks, keyword lists inline."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # A "|" block for multi-line text, except text ending in a blank line: that needs "|+", which
    # PyYAML closes with a "..." document end, and the codes are dumped one by one then joined.
    block = "\n" in data and not data.endswith("\n\n") and data != "\n"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if block else None)


def _represent_flow(dumper: yaml.SafeDumper, data: FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(FlowList, _represent_flow)


def yaml_text(data: Any, *, width: int = 100) -> str:
    """Safe YAML in qcode's style: keys in given order, Unicode as is, ``|`` blocks, inline ``FlowList``."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=width)


def dump_codebook_yaml(codebook: Codebook) -> str:
    """The codebook as YAML text: stable key order, codes in the codebook's order, a blank line between codes.

    ``parse_codebook`` of the written text gives back an equal codebook.
    """
    head = yaml_text({"name": codebook.name, "version": codebook.version})
    parts = [head, "codes:\n"]
    for code in codebook.codes:
        mapping = code_to_mapping(code)
        if "keywords" in mapping:
            mapping["keywords"] = FlowList(code.keywords)
        parts.append("\n" + yaml_text([mapping]))
    return "".join(parts)
