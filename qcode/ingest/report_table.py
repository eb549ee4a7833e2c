"""Table 1 of the report ("General Characteristics of Interviewees").

The table lost its columns in the text dump: a row is one line such as
``C M Dandong Mining and Trade Interviewed with another staff`` (letter, gender,
working country, type of occupation, miscellaneous), sometimes with the cells of
one row wrapped over the following short lines, and part of the table was printed
in the middle of a quotation on the next page. This module finds the rows wherever
they are, splits them into cells and cleans the values, reporting each repair.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qcode.ingest.report_lines import Warning, is_blank, is_page_start, is_separator
from qcode.ingest.report_speakers import CITY_COUNTRY, PLACE_SPELLINGS, canonical_place

_CAPTION = re.compile(r"^\s*Table\s+1\b")
_ROW = re.compile(r"^([A-Z])\s+(M|F|Fe|Male|Female)(?:\s+(\S.*))?$")
_GENDERS = {"M": "Male", "Male": "Male", "F": "Female", "Fe": "Female", "Female": "Female"}
_MAX_CONTINUATION = 45
#: Phrases that open the "Miscellaneous" cell in this report's Table 1; the occupation
#: cell ends where one of them begins. ``E and F`` style pairs of letters also do.
NOTE_CUES: tuple[str, ...] = (
    "Interviewed",
    "Pastoral",
    "Defected",
    "From",
    "Lived",
    "Engaged",
    "Did",
    "Gradated",
    "Graduated",
)
_NOTE_START = re.compile(r"\b(?:(?:" + "|".join(NOTE_CUES) + r")\b|[A-Z] and [A-Z]\b)")
_ABBREVIATION = re.compile(r"^([A-Z])(?=\s|$)")


@dataclass(frozen=True)
class TableRow:
    """One row of Table 1 as found in the source.

    Attributes:
        ident: the interviewee letter.
        gender: the gender cell as written (``M``, ``Fe``).
        cells: the remaining cells run together, whitespace collapsed.
        lines: the 1-based source lines the row occupies.
    """

    ident: str
    gender: str
    cells: str
    lines: tuple[int, ...]


def find_table_rows(lines: Sequence[str], skip: set[int]) -> list[TableRow]:
    """Find every row of Table 1 after its caption, with the lines it wraps onto.

    Args:
        lines: the report's lines.
        skip: 1-based line numbers to ignore (footnote areas).
    """
    start = next((i for i, raw in enumerate(lines) if _CAPTION.match(raw)), None)
    if start is None:
        return []
    rows: list[TableRow] = []
    index = start + 1
    while index < len(lines):
        match = _ROW.match(lines[index].strip())
        if index + 1 in skip or match is None:
            index += 1
            continue
        used = [index + 1]
        texts = [match.group(3) or ""]
        index += 1
        while index < len(lines) and _continues_row(lines[index]):
            if not is_blank(lines[index]):
                used.append(index + 1)
                texts.append(lines[index].strip())
            index += 1
        cells = " ".join(" ".join(texts).split())
        rows.append(TableRow(match.group(1), match.group(2), cells, tuple(used)))
    return rows


def _continues_row(raw: str) -> bool:
    text = raw.strip()
    if is_blank(raw):
        return not is_separator(raw)
    return (
        not is_page_start(raw)
        and _ROW.match(text) is None
        and len(text) <= _MAX_CONTINUATION
        and not text.startswith("“")
    )


def row_attributes(row: TableRow, expansions: dict[str, str]) -> tuple[dict[str, str], list[Warning]]:
    """Clean one row into ``gender``, ``country``, ``occupation`` and ``note``.

    Args:
        row: the row as found.
        expansions: single-letter place abbreviations → the full name, taken from the
            interviewee's own attribution lines (Table 1 writes ``Russia, Y``).

    Returns:
        The attributes (empty cells left out) and the warnings for each repair.
    """
    line = row.lines[0]
    warnings: list[Warning] = []

    def warn(message: str) -> None:
        warnings.append(Warning(line, f"Table 1 row {row.ident}: {message}", row.ident))

    attributes = {"gender": _GENDERS[row.gender]}
    if row.gender not in ("M", "F"):
        warn(f"gender written {row.gender!r}; recorded as {attributes['gender']!r}")
    places, rest = split_places(row.cells)
    if places:
        attributes["country"] = _country(places, expansions, warn)
    else:
        warn(f"no known working country at the start of {row.cells!r}")
    occupation, note = split_occupation(rest)
    for key, value in (("occupation", occupation), ("note", note)):
        cleaned = _clean_cell(value)
        if cleaned != value:
            warn(f"{key} {value!r} cleaned to {cleaned!r}")
        if cleaned:
            attributes[key] = cleaned
    return attributes, warnings


def split_places(cells: str) -> tuple[list[str], str]:
    """Split the leading working-country cell (``Russia, Y``) from the rest."""
    places: list[str] = []
    rest = cells
    while True:
        found = _leading_place(rest, allow_abbreviation=bool(places))
        if found is None:
            break
        places.append(found)
        rest = rest[len(found) :]
        comma = re.match(r"^\s*,\s*", rest)
        if comma is None or _leading_place(rest[comma.end() :], True) is None:
            break
        rest = rest[comma.end() :]
    return places, rest.strip()


def _leading_place(text: str, allow_abbreviation: bool) -> str | None:
    lowered = text.lower()
    for spelling in sorted(PLACE_SPELLINGS, key=len, reverse=True):
        end = len(spelling)
        if lowered.startswith(spelling) and not text[end : end + 1].isalnum():
            return text[:end]
    abbreviation = _ABBREVIATION.match(text) if allow_abbreviation else None
    return abbreviation.group(1) if abbreviation else None


def split_occupation(rest: str) -> tuple[str, str]:
    """Split ``Mining and Trade Interviewed with another staff`` at the note's first word."""
    match = _NOTE_START.search(rest, 1)
    if match is None:
        return rest.strip(), ""
    return rest[: match.start()].strip(), rest[match.start() :].strip()


def _country(places: list[str], expansions: dict[str, str], warn: Callable[[str], None]) -> str:
    names: list[str] = []
    for place in places:
        name = canonical_place(place) or expansions.get(place) or place
        if len(place) == 1:
            if place in expansions:
                warn(f"place abbreviated {place!r}; expanded to {name!r} from its attribution")
            else:
                warn(f"place abbreviated {place!r} and no attribution spells it out; kept")
        elif name != place:
            warn(f"place spelt {place!r}; recorded as {name!r}")
        if name in CITY_COUNTRY:
            country = CITY_COUNTRY[name]
            warn(f"{name!r} is a city; recorded as '{country} ({name})'")
            names = [n for n in names if n != country]
            name = f"{country} ({name})"
        names.append(name)
    return ", ".join(names)


def _clean_cell(value: str) -> str:
    value = re.sub(r"\s+,", ",", value)
    return re.sub(r"(?<=\w)- (?=\w)", "-", value)
