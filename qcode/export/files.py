"""Where exports go and how they are written: never over an existing file unless forced.

Also the spreadsheet-formula guard: a cell that a spreadsheet would run as a formula is
written with a leading apostrophe, and read back without it.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, cast, overload

from qcode.errors import ConflictError, InputError

#: Folder (relative to the working directory) that exports go to by default.
EXPORTS_DIR = Path("exports")
#: First characters that make Excel, LibreOffice or Google Sheets evaluate a cell (OWASP's list).
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: ``'`` then a trigger: such a cell was neutralised (a raw leading ``'`` is neutralised too,
#: so that reading back is exact).
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")
_NEEDS_GUARD = re.compile(r"^'*[=+\-@\t\r]")
STDOUT = "-"


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR)."""
    return "'" + cell if _NEEDS_GUARD.match(cell) else cell


def unneutralise(cell: str) -> str:
    """Undo :func:`neutralise` (exactly: ``unneutralise(neutralise(x)) == x`` for every ``x``)."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell


def default_output(name: str) -> Path:
    """``exports/NAME`` under the working directory."""
    return EXPORTS_DIR / name


def check_target(path: Path, *, force: bool) -> None:
    """Refuse before any work is done if ``path`` exists and ``force`` is not given.

    Raises:
        ConflictError: the file exists (the message names ``--force``).
        InputError: ``path`` is a folder.
    """
    if str(path) == STDOUT:
        return
    if path.is_dir():
        raise InputError("is a folder; give a file name", path=str(path))
    if path.exists() and not force:
        raise ConflictError(f"{path}: exists; use --force to overwrite it")


@overload
def open_output(
    path: Path, *, force: bool, mode: Literal["text"] = "text", newline: str | None = ""
) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def open_output(
    path: Path, *, force: bool, mode: Literal["binary"], newline: str | None = ""
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def open_output(
    path: Path, *, force: bool, mode: Literal["text", "binary"] = "text", newline: str | None = ""
) -> contextlib.AbstractContextManager[IO[str]] | contextlib.AbstractContextManager[IO[bytes]]:
    """Write ``path`` through a temporary file beside it, moved into place only on success.

    A failed or interrupted export leaves no partial file, and an existing file is replaced only
    with ``force`` (checked again at the end, so a file that appeared meanwhile is not lost).
    ``path`` ``-`` means standard output (text mode only).
    """
    if str(path) == STDOUT:
        if mode != "text":
            raise InputError("this format cannot be written to standard output; give a file name")
        return contextlib.nullcontext(sys.stdout)
    return cast(
        "contextlib.AbstractContextManager[IO[str]]",
        _atomic(path, force=force, binary=mode == "binary", newline=newline),
    )


@contextlib.contextmanager
def _atomic(path: Path, *, force: bool, binary: bool, newline: str | None) -> Iterator[IO[str] | IO[bytes]]:
    check_target(path, force=force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        if binary:
            with os.fdopen(fd, "wb") as fh_b:
                yield fh_b
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh_t:
                yield fh_t
        _move_into_place(tmp, path, force=force)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _move_into_place(tmp: Path, path: Path, *, force: bool) -> None:
    os.chmod(tmp, 0o644 & ~_umask())
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if path appeared meanwhile: never overwrite silently
    except FileExistsError:
        raise ConflictError(f"{path}: exists; use --force to overwrite it") from None
    except OSError:  # file systems without hard links
        if path.exists():
            raise ConflictError(f"{path}: exists; use --force to overwrite it") from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
