"""Zip archives (``.docx``, ``.odt``, ``.qdpx``, ``.xlsx``) opened and read with one kind of error. Pure.

The standard library answers a damaged or unusual zip in many ways: ``BadZipFile`` for a bad CRC or
a truncated file, ``NotImplementedError`` for a compression method it cannot unpack (Deflate64,
PPMd, Zstandard…), ``RuntimeError`` for an encrypted member, ``zlib``/``lzma``/``bz2`` errors and
``EOFError`` for a damaged stream. Every zip qcode reads goes through these helpers, which turn each
into one :class:`~qcode.errors.InputError` naming the file (and the member), before anything is
written to a project.
"""

from __future__ import annotations

import io
import lzma
import struct
import zipfile
import zlib
from pathlib import Path

from qcode.errors import InputError

#: Compression methods Python unpacks: stored, deflate, bzip2, LZMA.
UNPACKABLE = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
#: What the standard library raises while opening or unpacking a damaged zip.
DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,  # bz2's damaged streams, read errors
    NotImplementedError,  # a method or flag the library does not handle
    RuntimeError,  # an encrypted member, a missing compression module
    ValueError,  # a member name that is not UTF-8 although flagged so
    struct.error,  # a header cut short
)
#: Names of the compression methods other zip tools write (APPNOTE 4.4.5).
_METHODS = {
    1: "Shrink", 6: "Implode", 9: "Deflate64", 10: "PKWARE Imploding", 18: "IBM TERSE", 19: "IBM LZ77",
    93: "Zstandard", 94: "MP3", 95: "XZ", 96: "JPEG", 97: "WavPack", 98: "PPMd", 99: "AES encryption",
}  # fmt: skip
_ENCRYPTED, _STRONG_ENCRYPTION, _PATCHED = 0x1, 0x40, 0x20


def open_zip(source: bytes | Path, where: str, what: str) -> zipfile.ZipFile:
    """Open a zip held in memory or on disk.

    Args:
        source: the archive's bytes, or its path.
        where: the file's name for messages.
        what: what the file should be (``"a Word document"``), for the message when it is no zip.

    Raises:
        InputError: not a zip, or a zip too damaged to list.
    """
    try:
        return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except zipfile.BadZipFile:
        raise InputError(f"is not {what} (it is not a zip archive)", path=where) from None
    except OSError as exc:
        if isinstance(source, bytes):
            raise InputError(f"is not {what} (a damaged zip: {exc})", path=where) from None
        raise InputError(f"cannot be read ({exc.strerror or exc})", path=where) from None
    except DAMAGED as exc:
        raise InputError(f"is not {what} (a damaged zip: {exc})", path=where) from None


def check_member(info: zipfile.ZipInfo, where: str) -> None:
    """Refuse a member that is encrypted or packed in a way Python cannot unpack.

    Raises:
        InputError: naming the member and what to do.
    """
    name = info.filename
    if info.flag_bits & (_ENCRYPTED | _STRONG_ENCRYPTION) or info.compress_type == 99:
        raise InputError(
            f"member {name!r} is encrypted; save the file again without a password and import that",
            path=where,
        )
    if info.compress_type not in UNPACKABLE or info.flag_bits & _PATCHED:
        method = _METHODS.get(info.compress_type, "unknown")
        raise InputError(
            f"member {name!r} is packed with compression method {info.compress_type} ({method}), "
            "which qcode cannot unpack; save the file again with ordinary (deflate) compression",
            path=where,
        )


def check_members(archive: zipfile.ZipFile, where: str) -> None:
    """:func:`check_member` for every member (for libraries that unpack the members themselves).

    Raises:
        InputError: the first member that cannot be read.
    """
    for info in archive.infolist():
        check_member(info, where)


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, limit: int | None = None
) -> bytes:
    """A member's bytes (at most ``limit + 1`` when a limit is given, so a caller sees an overrun).

    Raises:
        InputError: encrypted, unpackable, or damaged (bad CRC, truncated, corrupt stream).
    """
    check_member(info, where)
    try:
        with archive.open(info) as fh:
            return fh.read() if limit is None else fh.read(limit + 1)
    except DAMAGED as exc:
        raise InputError(f"damaged member {info.filename!r} ({exc})", path=where) from None
