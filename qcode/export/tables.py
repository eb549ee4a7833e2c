"""CSV in and out (RFC 4180, UTF-8, header row) and plain tables. Pure: no database.

:func:`write_csv` is the one way qcode writes CSV: every text cell a spreadsheet would run as a
formula is neutralised there (:func:`qcode.export.files.neutralise`), unless the rows were
already guarded by the same rule where they were made (the SQL-rendered export) or the user
asked for ``--raw``. Writing streams chunks of rows through :func:`csv.writer.writerows`, so a
million rows cost little more than the database takes to produce them.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from qcode.errors import InputError
from qcode.export.files import neutralise
from qcode.text import noun

#: Columns of the long format that ``qcode codings import`` needs.
REQUIRED_COLUMNS: tuple[str, ...] = ("document", "segment", "code", "coder")


def xsd_datetime(value: datetime | None) -> str | None:
    """``2024-05-01T09:30:00.123456Z`` (UTC)."""
    if value is None:
        return None
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _guarded(row: Sequence[Any]) -> list[Any]:
    return [neutralise(c) if isinstance(c, str) else c for c in row]


def write_csv(
    fh: IO[str],
    header: Sequence[Any],
    chunks: Iterable[Sequence[Sequence[Any]]],
    *,
    guarded: bool = False,
    raw: bool = False,
    rendered: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a header and every row of ``chunks``, formula cells neutralised; return the number of rows.

    ``None`` is written as an empty cell; CRLF ends each record; fields holding a comma, quote
    or line break are quoted (RFC 4180). Text cells (header too) starting with ``=``, ``+``,
    ``-``, ``@``, tab or CR get a leading ``'`` unless ``guarded`` (the producer applied the same
    rule) or ``raw`` (asked for by the user). With ``rendered``, each row's single cell is already
    a finished, guarded record. Open ``fh`` with ``newline=""``.
    """
    guard = not raw and not guarded and not rendered
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(header if raw else _guarded(header))
    total = 0
    for chunk in chunks:
        if rendered:
            _write_records(fh, [row[0] for row in chunk])
        else:
            writer.writerows([_guarded(row) for row in chunk] if guard else chunk)
        total += len(chunk)
        if progress is not None:
            progress(len(chunk))
    return total


def _write_records(fh: IO[str], records: list[str] | list[bytes]) -> None:
    """Finished records, as text or as UTF-8 bytes (written past the text layer when it is UTF-8)."""
    if not records:
        return
    if isinstance(records[0], str):
        fh.write("\r\n".join(records))
        fh.write("\r\n")
        return
    data = b"\r\n".join(records)
    buffer = getattr(fh, "buffer", None)
    if buffer is not None and str(getattr(fh, "encoding", "")).lower().replace("-", "") == "utf8":
        fh.flush()
        buffer.write(data)
        buffer.write(b"\r\n")
    else:
        fh.write(data.decode("utf-8"))
        fh.write("\r\n")


@dataclass(frozen=True)
class CsvRecord:
    """One data record of a CSV file: the line it starts on and its cells by column name."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str | None:
        """The cell, or ``None`` when the column is absent or the cell empty."""
        value = self.cells.get(column)
        return value if value else None


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read whole: its columns and records (blank lines skipped)."""

    path: str
    columns: tuple[str, ...]
    records: tuple[CsvRecord, ...]


def read_csv(path: Path, *, required: Sequence[str] = REQUIRED_COLUMNS) -> CsvTable:
    """Read a UTF-8 CSV file (a BOM is allowed) with a header row; ``-`` is standard input.

    The separator is the one of ``,`` ``;`` and tab with which the header names every required
    column (European Excel writes ``;``); a comma when none does.

    Raises:
        InputError: unreadable, not UTF-8, malformed, or a required column is missing.
    """
    where = "stdin" if str(path) == "-" else str(path)
    try:
        # read whole, so a pipe (``-``, /dev/stdin) works as well as a file: the header is read twice
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
        text = data.decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", path=where) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=where) from None
    return _read(io.StringIO(text, newline=""), where, required)


def _read(fh: IO[str], where: str, required: Sequence[str]) -> CsvTable:
    first = fh.readline()
    fh.seek(0)
    reader = csv.reader(fh, strict=True, delimiter=_delimiter(first, required))
    records: list[CsvRecord] = []
    try:
        header = next(reader, None)
        if header is None:
            raise InputError("empty file (no header row)", path=where)
        columns = tuple(h.strip() for h in header)
        missing = [c for c in required if c not in columns]
        if missing:
            what = f"{noun(len(missing), 'column')} {', '.join(missing)}"
            found = [c for c in columns if c and c not in required]
            has = f" (it has {', '.join(found)})" if found and len(found) <= 20 else ""
            raise InputError(f"header lacks {what}{has}", path=where, line=1)
        dupes = sorted({c for c in columns if c and columns.count(c) > 1})
        if dupes:
            what = f"{noun(len(dupes), 'column')} {', '.join(dupes)} {noun(len(dupes), 'appears', 'appear')}"
            raise InputError(f"{what} twice in the header", path=where, line=1)
        for line, row in _numbered(reader):
            if not row or all(not cell for cell in row):
                continue
            if len(row) > len(columns):
                raise InputError(
                    f"{len(row)} cells but the header names {len(columns)}", path=where, line=line
                )
            records.append(CsvRecord(line, dict(zip(columns, row, strict=False))))
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})", path=where, line=reader.line_num) from None
    return CsvTable(where, columns, tuple(records))


def _delimiter(header: str, required: Sequence[str]) -> str:
    """The separator of the first of ``,`` ``;`` tab whose header holds the required columns."""
    best, found = ",", -1
    for candidate in (",", ";", "\t"):
        try:
            names = {h.strip() for h in next(csv.reader([header], delimiter=candidate), [])}
        except csv.Error:
            continue
        score = sum(c in names for c in required) if required else len(names)
        if score > found:
            best, found = candidate, score
    return best


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted cell may span several lines)."""
    start = reader.line_num + 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def matrix_rows(
    corner: str, columns: Sequence[str], rows: Sequence[tuple[str, Sequence[int]]]
) -> list[list[str | int]]:
    """A matrix as rows ready for :func:`write_csv` (header first)."""
    out: list[list[str | int]] = [[corner, *columns]]
    out.extend([label, *counts] for label, counts in rows)
    return out
