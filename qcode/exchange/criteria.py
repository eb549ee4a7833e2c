"""A code's criteria as readable prose in a REFI-QDA ``Description``, and back. Pure.

Other programs show a code's ``Description`` as text and have no fields for qcode's inclusion
and exclusion criteria, example or keywords, so they are written as labelled paragraphs after
the description, the way a person would write them::

    Money paid to officials to get or keep a job abroad.

    Include: payments to officials, brokers or managers for a posting.

    Exclude: wages withheld by the state (use "wage confiscation").

    Example (A): “I paid 300 dollars to the manager to stay.”

    Keywords: bribe, kickback

Reading takes labelled paragraphs from the end of the text, so a description written in another
program keeps every paragraph it has. Files written by older qcode versions put these fields in a
YAML block after a ``--- qcode ---`` line; that block is still read.

A description may itself hold a paragraph that reads like a label ("Keywords: …") or a line that
reads like the old marker. Writing puts an invisible guard (U+2060 WORD JOINER) in front of such a
paragraph or line, and reading takes one guard off again, so every description comes back exactly
(:func:`prose_form` says what the prose keeps of the other fields).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

#: Line that started qcode's own fields in files written before the criteria became prose.
LEGACY_MARKER = "--- qcode ---"
_INCLUDE, _EXCLUDE, _KEYWORDS = "Include: ", "Exclude: ", "Keywords: "
_EXAMPLE = re.compile(r"^Example \((?P<who>[^\n]+?)\): “(?P<text>.*)”$", re.DOTALL)
_EXAMPLE_UNQUOTED = re.compile(r"^Example \((?P<who>[^\n]+?)\): (?P<text>.+)$", re.DOTALL)
#: Invisible, not whitespace: put before a description's paragraph or line that would read as machinery.
GUARD = "\u2060"


@dataclass(frozen=True)
class Criteria:
    """What a code's ``Description`` carries."""

    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example_text: str = ""
    example_interviewee: str = ""
    keywords: tuple[str, ...] = ()


def describe(criteria: Criteria) -> str:
    """The ``Description`` text: the description, then one labelled paragraph per criterion."""
    shown = prose_form(criteria)
    parts = [_guard_paragraph(p) for p in shown.description.split("\n\n")] if shown.description else []
    if shown.inclusion:
        parts.append(_INCLUDE + shown.inclusion)
    if shown.exclusion:
        parts.append(_EXCLUDE + shown.exclusion)
    if shown.example_text:
        parts.append(f"Example ({shown.example_interviewee}): “{shown.example_text}”")
    if shown.keywords:
        parts.append(_KEYWORDS + ", ".join(shown.keywords))
    return "\n".join(_guard_line(line) for line in "\n\n".join(parts).split("\n"))


def prose_form(criteria: Criteria) -> Criteria:
    """What :func:`describe` keeps, and so what :func:`read_description` gives back.

    The description is kept exactly but for surrounding blanks and line-end style; each criterion
    becomes one paragraph; keywords lose commas and blank lines; an example needs its speaker,
    whose name is one line and cannot hold the ``): “`` that would end it early.
    """
    who = " ".join(_lines(criteria.example_interviewee).split()).replace("): “", '): "')
    example = _one_paragraph(criteria.example_text) if who else ""
    keywords = (_one_paragraph(k.replace(",", " ")) for k in criteria.keywords)
    return Criteria(
        _lines(criteria.description).strip(),
        _one_paragraph(criteria.inclusion),
        _one_paragraph(criteria.exclusion),
        example,
        who if example else "",
        tuple(k for k in keywords if k),
    )


def read_description(text: str) -> Criteria:
    """Undo :func:`describe` (and read the legacy YAML block); other text is all description."""
    text = _lines(text).strip()
    legacy = _legacy(text)
    if legacy is not None:
        return legacy
    text = "\n".join(_unguard_line(line) for line in text.split("\n"))
    paragraphs = text.split("\n\n") if text else []
    found: dict[str, str] = {}
    while paragraphs:
        last = paragraphs[-1]
        label = _label(last)
        if label is None or label[0] in found:
            break
        found[label[0]] = label[1]
        paragraphs.pop()
    who, _, example = found.get("example", "").partition("\n")
    keywords = tuple(k.strip() for k in found.get("keywords", "").split(",") if k.strip())
    return Criteria(
        "\n\n".join(_unguard_paragraph(p) for p in paragraphs).strip(),
        found.get("inclusion", ""),
        found.get("exclusion", ""),
        example,
        who,
        keywords,
    )


def _label(paragraph: str) -> tuple[str, str] | None:
    for key, prefix in (("inclusion", _INCLUDE), ("exclusion", _EXCLUDE), ("keywords", _KEYWORDS)):
        if paragraph.startswith(prefix) and paragraph[len(prefix) :].strip():
            return key, paragraph[len(prefix) :].strip()
    match = _EXAMPLE.match(paragraph) or _EXAMPLE_UNQUOTED.match(paragraph)
    if match:
        return "example", f"{match['who'].strip()}\n{match['text'].strip()}"
    return None


def _one_paragraph(text: str) -> str:
    """A criterion as one paragraph (a blank line inside would end it on reading)."""
    return re.sub(r"\n\s*\n", "\n", _lines(text).strip())


def _lines(text: str) -> str:
    """``\\n`` for every line end (XML parsers turn ``\\r\\n`` and ``\\r`` into it anyway)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guard_paragraph(paragraph: str) -> str:
    return GUARD + paragraph if _label(paragraph.lstrip(GUARD)) is not None else paragraph


def _unguard_paragraph(paragraph: str) -> str:
    guarded = paragraph.startswith(GUARD) and _label(paragraph.lstrip(GUARD)) is not None
    return paragraph[1:] if guarded else paragraph


def _guard_line(line: str) -> str:
    return GUARD + line if line.lstrip(GUARD).strip() == LEGACY_MARKER else line


def _unguard_line(line: str) -> str:
    guarded = line.startswith(GUARD) and line[1:].lstrip(GUARD).strip() == LEGACY_MARKER
    return line[1:] if guarded else line


def legacy_fields(text: str) -> tuple[str, dict[str, Any]] | None:
    """The text before a ``--- qcode ---`` line and the YAML mapping after it (older qcode files)."""
    lines = text.replace("\r\n", "\n").split("\n")
    at = max((i for i, line in enumerate(lines) if line.strip() == LEGACY_MARKER), default=None)
    if at is None:
        return None
    try:
        fields = yaml.safe_load("\n".join(lines[at + 1 :]))
    except (yaml.YAMLError, ValueError):  # ValueError: an integer too long to convert
        return None
    if not isinstance(fields, dict) or "id" not in fields:  # older qcode always wrote the id first
        return None
    return "\n".join(lines[:at]).strip(), fields


def _legacy(text: str) -> Criteria | None:
    found = legacy_fields(text)
    if found is None:
        return None
    body, fields = found
    example = fields.get("example")
    example = example if isinstance(example, dict) else {}
    words = fields.get("keywords")
    words = words if isinstance(words, list) else []
    return Criteria(
        body,
        _str(fields.get("inclusion")),
        _str(fields.get("exclusion")),
        _str(example.get("text")),
        _str(example.get("interviewee")),
        tuple(w for w in words if isinstance(w, str) and w.strip()),
    )


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""
