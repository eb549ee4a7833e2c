"""Read a codebook file (YAML or JSON) into a small tree of values that remember their line.

YAML is composed with PyYAML's node API (a ``SafeLoader`` whose aliases become marked scalars, so no
alias is ever expanded); JSON is parsed by :mod:`json` for its values and syntax errors, and by the
YAML composer for its line numbers, once every string literal has been blanked (JSON is nearly
YAML; the blanking removes the escapes and characters where they differ).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from qcode.codebook.model import FILE_KEY, Problem
from qcode.yamltext import INT_TAG, construct_int, parse_json_int

#: Larger files are refused before parsing (a 100-code codebook is about 60 kB).
MAX_BYTES = 2_000_000
_ALIAS_TAG = "!qcode/alias"
_STANDARD_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


@dataclass(frozen=True)
class Scalar:
    """A string, number, boolean, date or null."""

    value: object
    line: int | None


@dataclass(frozen=True)
class Map:
    """A mapping; ``entries`` keeps duplicate keys and their order."""

    entries: tuple[Entry, ...]
    line: int | None


@dataclass(frozen=True)
class Entry:
    """One ``key: value`` of a :class:`Map`."""

    key: object
    key_line: int | None
    value: Located


@dataclass(frozen=True)
class Seq:
    """A list."""

    items: tuple[Located, ...]
    line: int | None


@dataclass(frozen=True)
class Bad:
    """A value that cannot be used at all (an alias, an unknown tag); ``message`` says why."""

    message: str
    line: int | None


Located = Scalar | Map | Seq | Bad


def from_plain(value: object, line: int | None = None) -> Located:
    """Wrap plain Python data (dicts, lists, scalars) as a tree whose nodes all carry ``line``."""
    if isinstance(value, dict):
        return Map(tuple(Entry(k, line, from_plain(v, line)) for k, v in value.items()), line)
    if isinstance(value, list | tuple):
        return Seq(tuple(from_plain(item, line) for item in value), line)
    return Scalar(value, line)


def load_tree(path: Path) -> tuple[Located | None, list[Problem]]:
    """Read ``path`` into a tree, or return the problems that prevent it (with file and line).

    Raises:
        InputError: the file cannot be read at all (missing, a directory, no permission).
    """
    from qcode.errors import InputError

    label = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read codebook: {exc.strerror or exc}", path=label) from None
    text, problem = decode(data, label)
    if problem is not None:
        return None, [problem]
    if path.suffix.lower() == ".json":
        return _json_tree(text, label)
    return _yaml_tree(text, label)


def decode(data: bytes, label: str) -> tuple[str, Problem | None]:
    """Bytes to text, refusing empty, oversized, binary and non-UTF-8 input."""

    def fail(line: int, message: str) -> tuple[str, Problem]:
        return "", Problem(label, line, FILE_KEY, message)

    if len(data) > MAX_BYTES:
        return fail(1, f"file is too large ({len(data)} bytes; a codebook may have at most {MAX_BYTES})")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return fail(line, "binary file (NUL byte); expected a UTF-8 YAML or JSON codebook")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return fail(line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
    if not text.strip():
        return fail(1, "file is empty; expected a YAML or JSON codebook")
    return text, None


class _Loader(yaml.SafeLoader):
    """A SafeLoader whose aliases compose to marked scalars instead of shared nodes."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event: Any = self.get_event()  # type: ignore[no-untyped-call]  # untyped in the stubs
            return ScalarNode(_ALIAS_TAG, event.anchor, event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


_Loader.add_constructor(INT_TAG, construct_int)  # an integer too long for Python stays text


def _yaml_tree(text: str, label: str) -> tuple[Located | None, list[Problem]]:
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(label, 1, FILE_KEY, "file has no YAML document (only comments?)")]
        return _YamlWalker(loader).walk(node), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [Problem(label, line, FILE_KEY, f"invalid YAML: {what}")]
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"invalid YAML: character U+{ord(char):04X} is not allowed"
        return None, [Problem(label, line, FILE_KEY, message)]
    except yaml.YAMLError as exc:
        return None, [Problem(label, 1, FILE_KEY, f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [Problem(label, 1, FILE_KEY, "invalid YAML: nested too deeply")]
    finally:
        if loader is not None:
            loader.dispose()


class _YamlWalker:
    """Turn composed nodes into :data:`Located` values, constructing scalars with the safe constructor."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader

    def walk(self, node: Node) -> Located:
        line = node.start_mark.line + 1
        if isinstance(node, ScalarNode):
            return self._scalar(node, line)
        if node.tag not in _STANDARD_TAGS:
            return Bad(f"unsupported YAML tag {node.tag}", line)
        if isinstance(node, SequenceNode):
            return Seq(tuple(self.walk(item) for item in node.value), line)
        assert isinstance(node, MappingNode)
        entries = []
        for key_node, value_node in node.value:
            key = self.walk(key_node)
            key_value = key.value if isinstance(key, Scalar) else key
            entries.append(Entry(key_value, key_node.start_mark.line + 1, self.walk(value_node)))
        return Map(tuple(entries), line)

    def _scalar(self, node: ScalarNode, line: int) -> Located:
        if node.tag == _ALIAS_TAG:
            return Bad(f"YAML aliases (*{node.value}) are not allowed in a codebook; repeat the value", line)
        try:
            return Scalar(self.loader.construct_object(node, deep=True), line)
        except yaml.constructor.ConstructorError:
            return Bad(f"unsupported YAML tag {node.tag}", line)


class _Pairs(list[tuple[str, object]]):
    """A JSON object as its list of pairs (keeps duplicate keys, unlike a dict)."""


class _ShapeMismatch(Exception):
    """The YAML view of a JSON text does not match the JSON value."""


def _json_tree(text: str, label: str) -> tuple[Located | None, list[Problem]]:
    try:
        value = json.loads(text, object_pairs_hook=_Pairs, parse_int=parse_json_int)
    except json.JSONDecodeError as exc:
        return None, [Problem(label, exc.lineno, FILE_KEY, f"invalid JSON: {exc.msg} (column {exc.colno})")]
    except RecursionError:
        return None, [Problem(label, 1, FILE_KEY, "invalid JSON: nested too deeply")]
    skeleton = _JSON_STRING.sub('""', text).replace("\t", " ")
    try:
        node = yaml.compose(skeleton, Loader=yaml.SafeLoader)
        if node is None:
            raise _ShapeMismatch
        return _zip(node, value), []
    except (yaml.YAMLError, _ShapeMismatch, RecursionError):
        pass
    try:  # values are right, lines unknown: report without line numbers rather than wrong ones
        return _unzip(value), []
    except RecursionError:
        return None, [Problem(label, 1, FILE_KEY, "invalid JSON: nested too deeply")]


def _zip(node: Node, value: object) -> Located:
    line = node.start_mark.line + 1
    if isinstance(value, _Pairs):
        if not isinstance(node, MappingNode) or len(node.value) != len(value):
            raise _ShapeMismatch
        return Map(
            tuple(
                Entry(key, key_node.start_mark.line + 1, _zip(value_node, item))
                for (key, item), (key_node, value_node) in zip(value, node.value, strict=True)
            ),
            line,
        )
    if isinstance(value, list):
        if not isinstance(node, SequenceNode) or len(node.value) != len(value):
            raise _ShapeMismatch
        return Seq(tuple(_zip(n, v) for n, v in zip(node.value, value, strict=True)), line)
    if not isinstance(node, ScalarNode):
        raise _ShapeMismatch
    return Scalar(value, line)


def _unzip(value: object) -> Located:
    if isinstance(value, _Pairs):
        return Map(tuple(Entry(key, None, _unzip(item)) for key, item in value), None)
    if isinstance(value, list):
        return Seq(tuple(_unzip(item) for item in value), None)
    return Scalar(value, None)
