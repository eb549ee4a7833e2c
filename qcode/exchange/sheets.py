"""A spreadsheet of document attributes (``.csv`` or ``.xlsx``) as rows of text cells. Pure.

One row per document; the column naming it is ``document`` (or ``name``, else the first column).
CSV files may be comma-, semicolon- or tab-separated; ``.xlsx`` files are read with openpyxl
(imported only here), first worksheet, values as computed when the file was last saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qcode.attributes import from_cell
from qcode.errors import InputError
from qcode.export.tables import read_csv
from qcode.ingest.archive import DAMAGED, check_members, open_zip
from qcode.kinds import elsewhere

#: Biggest spreadsheet read (bytes on disk); attribute sheets are small.
MAX_BYTES = 32 * 1024 * 1024
#: Most rows read from a worksheet.
MAX_ROWS = 200_000
#: Columns that may name the document, in order of preference.
NAME_COLUMNS = ("document", "name")


@dataclass(frozen=True)
class Sheet:
    """The rows of a spreadsheet: the column naming documents, the attribute columns, and per row
    its line (1-based, the header is line 1), the document name and the cells."""

    path: str
    key: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, str, dict[str, str]], ...]


def read_sheet(path: Path) -> Sheet:
    """Read an attributes spreadsheet.

    Raises:
        InputError: unreadable, too big, not a spreadsheet, no header, or duplicate columns.
    """
    where = str(path)
    if hint := elsewhere(path, (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")):  # .txt: Excel's tab-separated
        raise InputError(f"not an attributes sheet (.csv or .xlsx); it {hint}", path=where)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=where) from None
    if size > MAX_BYTES:
        raise InputError(f"is {size:,} bytes; an attributes sheet may have at most {MAX_BYTES:,}", path=where)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, body = _xlsx(path, where)
    else:
        table = read_csv(path, required=())
        header = list(table.columns)
        body = [(r.line, [r.cells.get(c, "") for c in table.columns]) for r in table.records]
    return _sheet(where, header, body)


def _sheet(where: str, header: list[str], body: list[tuple[int, list[str]]]) -> Sheet:
    names = [h.strip() for h in header]
    if not any(names):
        raise InputError("has no header row naming its columns", path=where, line=1)
    folded = [n.casefold() for n in names]
    key_at = next((folded.index(c) for c in NAME_COLUMNS if c in folded), 0)
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise InputError(f"column(s) {', '.join(dupes)} appear twice in the header", path=where, line=1)
    columns = tuple(n for i, n in enumerate(names) if i != key_at and n)
    rows = []
    for line, cells in body:
        cells = [*cells, *[""] * (len(names) - len(cells))]
        name = cells[key_at].strip()
        if name:
            rows.append((line, name, {n: cells[i] for i, n in enumerate(names) if i != key_at and n}))
    return Sheet(where, names[key_at], columns, tuple(rows))


def _xlsx(path: Path, where: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError("reading .xlsx needs openpyxl (pip install openpyxl)", path=where) from None
    with open_zip(path, where, "a readable .xlsx workbook") as archive:
        check_members(archive, where)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (KeyError, *DAMAGED) as exc:
        raise InputError(f"is not a readable .xlsx workbook ({exc})", path=where) from None
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise InputError(f"has more than {MAX_ROWS:,} rows", path=where, line=number)
            rows.append((number, [from_cell(v) for v in row]))
    except (KeyError, *DAMAGED) as exc:  # a read-only workbook unpacks its rows as they are read
        raise InputError(f"is not a readable .xlsx workbook ({exc})", path=where) from None
    finally:
        book.close()
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise InputError("the first worksheet is empty", path=where)
    (_first, header), body = rows[0], rows[1:]
    return header, body  # lines are the worksheet's row numbers
