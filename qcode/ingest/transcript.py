"""The qcode transcript file: Markdown with YAML front matter (see docs/transcript-format.md).

:func:`write_transcript` turns a :class:`ParsedTranscript` into the file's text and
:func:`read_transcript` reads a file back strictly: any deviation from the format is an
:class:`~qcode.errors.InputError` that names the file, the line and the key at fault.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from qcode.errors import InputError
from qcode.ingest.types import ParsedPassage, ParsedTranscript
from qcode.yamltext import keeping_long_integers

FENCE = "---"
_KEYS = ("name", "title", "source", "language", "attributes")
_HEADER = re.compile(r"^## Passage (\d+)$")
_META = re.compile(r"^- ([a-z]+):(?: (.*))?$")
_LINES = re.compile(r"^(\d+)-(\d+)$")
_META_KEYS = ("section", "lines", "speaker")


#: libyaml's safe loader where it is built in (four times faster on a big corpus), else PyYAML's.
_LOADER: type[yaml.SafeLoader] = keeping_long_integers(getattr(yaml, "CSafeLoader", yaml.SafeLoader))
#: The pure-Python loader, whose errors locate the key (same long-integer rule).
_PURE_LOADER: type[yaml.SafeLoader] = keeping_long_integers(yaml.SafeLoader)


def content_hash(data: bytes) -> str:
    """The sha256 hex digest qcode uses to recognise a file's exact content."""
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- writer


def write_transcript(t: ParsedTranscript) -> str:
    """Return the transcript file's text (UTF-8, ``\\n`` line ends, final newline).

    Raises:
        ValueError: a value cannot be written without changing it on reading back
            (a multi-line name, a paragraph with surrounding spaces, ...).
    """
    _check_line("name", t.name, allow_empty=False)
    _check_line("title", t.title)
    front: dict[str, Any] = {"name": t.name, "title": t.title, "source": t.source_path}
    if t.language:
        front["language"] = t.language
    front["attributes"] = dict(t.attributes)
    for key, value in t.attributes.items():
        _check_line(f"attribute key {key!r}", key, allow_empty=False)
        if not isinstance(value, str):
            raise ValueError(f"attribute {key!r} must be a string")
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, default_flow_style=False, width=2**16)
    parts = [f"{FENCE}\n{dumped}{FENCE}\n"]
    if t.title:
        parts.append(f"\n# {t.title}\n")
    for number, passage in enumerate(t.passages, start=1):
        parts.append(_write_passage(number, passage))
    return "".join(parts)


def _write_passage(number: int, passage: ParsedPassage) -> str:
    _check_line("section", passage.section)
    meta = [f"- section: {passage.section}" if passage.section else "- section:"]
    if passage.source_lines is not None:
        first, last = passage.source_lines
        if not 1 <= first <= last:
            raise ValueError(f"bad line range {passage.source_lines!r}")
        meta.append(f"- lines: {first}-{last}")
    if passage.speaker is not None:
        _check_line("speaker", passage.speaker, allow_empty=False)
        meta.append(f"- speaker: {passage.speaker}")
    paragraphs = passage.text.split("\n\n")
    for paragraph in paragraphs:
        _check_line("passage paragraph", paragraph, allow_empty=False)
    body = "\n\n".join(_escape(p) for p in paragraphs)
    return f"\n## Passage {number}\n\n" + "\n".join(meta) + f"\n\n{body}\n"


def _check_line(what: str, value: str, *, allow_empty: bool = True) -> None:
    if not value and not allow_empty:
        raise ValueError(f"{what} must not be empty")
    if value != value.strip() or "\n" in value or "\r" in value:
        raise ValueError(f"{what} must be one line without surrounding spaces: {value!r}")


def _escape(paragraph: str) -> str:
    return "\\" + paragraph if paragraph[:1] in ("#", "\\") else paragraph


# --------------------------------------------------------------------------- reader


def read_transcript(path: str | Path) -> ParsedTranscript:
    """Read a transcript file strictly.

    Raises:
        InputError: the file is unreadable, empty, not UTF-8 or not in the format.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read transcript: {exc.strerror}", path=str(path)) from exc
    return parse_transcript(data, str(path))


def parse_transcript(data: bytes, path: str) -> ParsedTranscript:
    """Parse a transcript file's bytes; ``path`` is used in error messages only."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
            path=path,
            line=line,
        ) from exc
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        raise InputError("empty file: a transcript needs front matter and a name", path=path)
    lines = text.split("\n")
    front, body_start = _front_matter(lines, path)
    passages = _Body(lines, body_start, path, front.title).parse()
    return ParsedTranscript(
        name=front.name,
        title=front.title,
        source_path=front.source,
        content_hash=content_hash(data),
        attributes=front.attributes,
        passages=passages,
        language=front.language or None,
    )


@dataclass(frozen=True)
class _Front:
    name: str
    title: str
    source: str
    attributes: dict[str, str]
    language: str = ""


def _front_matter(lines: list[str], path: str) -> tuple[_Front, int]:
    if lines[0].rstrip() != FENCE:
        raise InputError("missing front matter: the file must start with a '---' line", path=path, line=1)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE), None)
    if end is None:
        raise InputError("front matter is not closed by a '---' line", path=path, line=1)
    block = "\n".join(lines[1:end])
    try:
        try:
            node = yaml.compose(block, Loader=_LOADER)
            values = yaml.load(block, Loader=_LOADER)
        except yaml.YAMLError:  # parse again with the pure loader: its errors locate the key
            node = yaml.compose(block, Loader=_PURE_LOADER)
            values = yaml.load(block, Loader=_PURE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        index = mark.line if mark is not None else 0
        line = index + 2
        key = _key_near(lines[1:end], index)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"malformed front matter{key}: {problem}", path=path, line=line) from exc
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
        raise InputError("front matter must be a mapping of keys to values", path=path, line=2)
    key_lines = _key_lines(node, path)
    return _Fields(values, key_lines, path).front(), end + 1


def _key_near(block: list[str], index: int) -> str:
    for raw in reversed(block[: index + 1]):
        match = re.match(r"^\s*([\w.-]+)\s*:", raw)
        if match:
            return f" (key {match.group(1)!r})"
    return ""


def _key_lines(node: yaml.MappingNode, path: str) -> dict[str, int]:
    """Map each key (``name``, ``attributes.age``) to its line, refusing duplicates."""
    found: dict[str, int] = {}
    pending: list[tuple[str, yaml.MappingNode]] = [("", node)]
    while pending:
        prefix, mapping = pending.pop()
        for key_node, value_node in mapping.value:
            key = prefix + str(key_node.value)
            line = key_node.start_mark.line + 2
            if key in found:
                raise InputError(f"duplicate front-matter key {key!r}", path=path, line=line)
            found[key] = line
            if not prefix and isinstance(value_node, yaml.MappingNode):
                pending.append((key + ".", value_node))
    return found


class _Fields:
    """Checks the front matter's values, naming the key and its line on error."""

    def __init__(self, values: dict[Any, Any], lines: dict[str, int], path: str) -> None:
        self.values = values
        self.lines = lines
        self.path = path

    def fail(self, key: str, message: str) -> InputError:
        return InputError(message, path=self.path, line=self.lines.get(key, 1))

    def front(self) -> _Front:
        for key in self.values:
            if key not in _KEYS:
                expected = ", ".join(_KEYS)
                raise self.fail(str(key), f"unknown front-matter key {key!r} (expected {expected})")
        if "name" not in self.values:
            raise InputError("front matter has no 'name'", path=self.path, line=1)
        name = self.text("name")
        if not name:
            raise self.fail("name", "front-matter key 'name' must not be empty")
        return _Front(name, self.text("title"), self.text("source"), self.attributes(), self.text("language"))

    def text(self, key: str) -> str:
        value = self.values.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.fail(key, f"front-matter key {key!r} must be text (quote it)")
        return value

    def attributes(self) -> dict[str, str]:
        raw = self.values.get("attributes") or {}
        if not isinstance(raw, dict):
            raise self.fail("attributes", "front-matter key 'attributes' must be a mapping")
        result: dict[str, str] = {}
        for key, value in raw.items():
            where = f"attributes.{key}"
            if not isinstance(key, str) or not key:
                raise self.fail(where, f"attribute name {key!r} must be text")
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise self.fail(where, f"attribute {key!r} must be text (quote it)")
            result[key] = str(value)
        return result


class _Body:
    """Reads the passages after the front matter."""

    def __init__(self, lines: list[str], start: int, path: str, title: str) -> None:
        self.lines = lines
        self.index = start
        self.path = path
        self.title = title
        self.meta_line: dict[str, int] = {}

    def fail(self, message: str, index: int | None = None) -> InputError:
        line = (self.index if index is None else index) + 1
        return InputError(message, path=self.path, line=line)

    def parse(self) -> tuple[ParsedPassage, ...]:
        self._preamble()
        passages: list[ParsedPassage] = []
        while self.index < len(self.lines):
            passages.append(self._passage(len(passages) + 1))
        return tuple(passages)

    def _skip_blank(self) -> None:
        while self.index < len(self.lines) and not self.lines[self.index].strip():
            self.index += 1

    def _preamble(self) -> None:
        self._skip_blank()
        if self.index < len(self.lines) and self.lines[self.index].startswith("# "):
            if self.lines[self.index].rstrip() != f"# {self.title}".rstrip():
                raise self.fail("the '# ' heading does not match the front-matter title")
            self.index += 1
            self._skip_blank()

    def _passage(self, number: int) -> ParsedPassage:
        header = self.lines[self.index].rstrip()
        match = _HEADER.match(header)
        if match is None or int(match.group(1)) != number:
            raise self.fail(f"bad passage header {header!r}: expected '## Passage {number}'")
        header_index = self.index
        self.index += 1
        self._skip_blank()
        meta = self._meta(number)
        paragraphs = self._text()
        if not paragraphs:
            raise self.fail(f"passage {number} has no text", header_index)
        return ParsedPassage(
            text="\n\n".join(paragraphs),
            section=meta.get("section", ""),
            speaker=meta.get("speaker"),
            source_lines=self._range(meta),
        )

    def _meta(self, number: int) -> dict[str, str]:
        meta: dict[str, str] = {}
        self.meta_line = {}
        while self.index < len(self.lines) and self.lines[self.index].strip():
            match = _META.match(self.lines[self.index].rstrip())
            if match is None or match.group(1) not in _META_KEYS:
                raise self.fail(f"bad metadata line in passage {number} (expected '- section: ...')")
            key = match.group(1)
            if key in meta:
                raise self.fail(f"duplicate '{key}' in passage {number}")
            meta[key] = (match.group(2) or "").strip()
            self.meta_line[key] = self.index
            self.index += 1
        if "section" not in meta:
            raise self.fail(f"passage {number} has no '- section:' line")
        return meta

    def _range(self, meta: dict[str, str]) -> tuple[int, int] | None:
        if "lines" not in meta:
            return None
        match = _LINES.match(meta["lines"])
        if match is None or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise self.fail("bad line range (expected '- lines: FIRST-LAST')", self.meta_line["lines"])
        return int(match.group(1)), int(match.group(2))

    def _text(self) -> list[str]:
        paragraphs: list[str] = []
        current: list[str] = []
        self._skip_blank()
        while self.index < len(self.lines):
            raw = self.lines[self.index]
            if raw.startswith("#"):
                if _HEADER.match(raw.rstrip()) or raw.startswith("## "):
                    break
                raise self.fail("a text line starts with '#': write '\\#' to keep it as text")
            if raw.strip():
                current.append(_unescape(raw.strip()))
            elif current:
                paragraphs.append(" ".join(current))
                current = []
            self.index += 1
        if current:
            paragraphs.append(" ".join(current))
        return paragraphs


def _unescape(line: str) -> str:
    return line[1:] if line.startswith("\\") else line
