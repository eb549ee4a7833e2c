"""Reading a transcript file's bytes safely: bounded, hashed, decoded with clear errors.

Everything here raises :class:`~qcode.errors.InputError` naming the file (and the line
where that helps), so a user can fix the file or the command line without a traceback.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from qcode.errors import InputError

#: Default size limit for one transcript file (64 MiB).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Bytes read per chunk while hashing.
CHUNK_BYTES = 1024 * 1024
#: The first bytes of a ZIP archive (and so of a .docx file).
ZIP_MAGIC = b"PK\x03\x04"
#: Bytes charset-normalizer looks at to guess a file's encoding.
DETECT_BYTES = 256 * 1024
#: How users raise the size limit (the CLI option the import command exposes).
MAX_SIZE_HINT = "--max-mb"

_MIB = 1024 * 1024
# Control bytes that never occur in text files (tab, newlines, form feed and ESC excluded).
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1b") + b"\x7f"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class RawFile:
    """A file's bytes and their sha256 hex digest."""

    data: bytes
    sha256: str


def read_bytes(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, text: bool = True) -> RawFile:
    """Read a file in chunks, hashing as it goes, refusing anything over ``max_bytes``.

    The size is checked before reading (so a 100 MB file is refused at once) and again
    while reading (the file may grow, or be a special file that reports size 0).

    Args:
        path: the file.
        max_bytes: largest file accepted.
        text: when true, stop at the first chunk that shows the file is binary
            (unless it is a ZIP archive, which the caller may read as a Word file).

    Raises:
        InputError: missing, unreadable, not a regular file, empty, too big, or binary.
    """
    where = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError("is a folder, not a file", path=where)
        if not path.is_file():
            raise InputError("is not a regular file", path=where)
        if size > max_bytes:
            raise _too_big(where, size, max_bytes)
        digest = hashlib.sha256()
        buf = bytearray()
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK_BYTES):
                if len(buf) + len(chunk) > max_bytes:
                    raise _too_big(where, len(buf) + len(chunk), max_bytes, at_least=True)
                if text and not buf and chunk.startswith(ZIP_MAGIC):
                    text = False  # perhaps a Word file under another name: the caller decides
                if text:
                    _check_not_binary(chunk, len(buf), where, first=not buf)
                digest.update(chunk)
                buf += chunk
    except FileNotFoundError:
        raise InputError("no such file", path=where) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", path=where) from None
    if not buf:
        raise InputError("is empty", path=where)
    return RawFile(bytes(buf), digest.hexdigest())


def decode_text(raw: bytes, path: str, encoding: str | None = None) -> str:
    """Decode ``raw`` as UTF-8 (or ``encoding``), with an error that points at the bad byte.

    A UTF-8 byte-order mark is dropped. Without ``encoding``, UTF-16 text (recognised by
    its byte-order mark) is refused with a hint, since it would otherwise look binary.

    Raises:
        InputError: unknown encoding, undecodable bytes, or NUL characters in the text.
    """
    codec = _codec_name(encoding, path)
    if encoding is None and raw.startswith(_UTF16_BOMS):
        raise InputError(
            "is UTF-16 text, not UTF-8 (it starts with a UTF-16 byte-order mark); "
            "pass --encoding utf-16",
            path=path,
        )
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start]
        if encoding is None:
            raise InputError(
                f"is not UTF-8 text: byte 0x{bad:02x} at offset {exc.start} cannot be decoded; "
                "if the file uses another encoding, pass it with --encoding "
                "(for example --encoding cp1252 or --encoding latin-1)",
                path=path,
                line=line,
            ) from None
        raise InputError(
            f"cannot be decoded as {encoding}: byte 0x{bad:02x} at offset {exc.start} "
            f"({exc.reason}); check --encoding",
            path=path,
            line=line,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError(
            f"looks like a binary file, not text (NUL character at offset {nul})",
            path=path,
            line=line,
        )
    return text


def decode_detected(raw: bytes, path: str, encoding: str | None = None) -> tuple[str, str | None]:
    """Decode ``raw`` as :func:`decode_text` does, but when it is neither UTF-8 nor given an
    encoding, detect the encoding (charset-normalizer) and say which: ``(text, encoding)``, the
    encoding ``None`` for UTF-8 or a given one.

    Raises:
        InputError: as :func:`decode_text`, when no encoding reads the bytes as text.
    """
    if encoding is not None:
        return decode_text(raw, path, encoding), None
    try:
        return decode_text(raw, path), None
    except InputError as first:
        if "binary" in str(first):
            raise
        from charset_normalizer import from_bytes  # only for files that are not UTF-8

        best = from_bytes(raw[:DETECT_BYTES]).best()
        if best is None or best.encoding in ("utf_8", "ascii"):
            raise
        codec = _western(raw) or codecs.lookup(best.encoding).name
        try:
            return decode_text(raw, path, codec), codec
        except InputError:
            raise first from None


def _western(raw: bytes) -> str | None:
    """``cp1252`` when it reads every byte as a letter or mark of Western European text.

    On short texts the single-byte codepages all decode and detectors pick one nearly at random
    (``café`` as ``cafť``); Windows-1252 is by far the most common of them, so it wins whenever
    every character it gives is one such text uses.
    """
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return "cp1252" if all(ord(ch) < 128 or ch in _WESTERN for ch in text) else None


_WESTERN = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŒœŠšŽžŸß"
    "“”‘’„‚«»–—…•€£¥°§©®™¿¡ºª·\u00a0"
)


def _codec_name(encoding: str | None, path: str) -> str:
    """Resolve the codec, mapping plain UTF-8 to ``utf-8-sig`` so a BOM is dropped."""
    if encoding is None:
        return "utf-8-sig"
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r} (given with --encoding)", path=path) from None
    return "utf-8-sig" if name == "utf-8" else name


def _check_not_binary(chunk: bytes, offset: int, path: str, *, first: bool) -> None:
    """Refuse a chunk holding NUL bytes, or a first chunk that is mostly control bytes.

    UTF-16 text holds NUL bytes too; it is let through here so that
    :func:`decode_text` can say what it is.
    """
    if first and chunk.startswith(_UTF16_BOMS):
        return
    nul = chunk.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"looks like a binary file, not text (NUL byte at offset {offset + nul})", path=path
        )
    if first:
        sample = chunk[:4096]
        controls = len(sample) - len(sample.translate(None, _CONTROL))
        if controls * 10 > len(sample):
            raise InputError("looks like a binary file, not text (many control bytes)", path=path)


def _too_big(path: str, size: int, max_bytes: int, *, at_least: bool = False) -> InputError:
    more = "more than " if at_least else ""
    return InputError(
        f"is {more}{size / _MIB:.1f} MiB, over the {_mib(max_bytes)} limit for one transcript; "
        f"split it into smaller files or raise the limit with {MAX_SIZE_HINT}",
        path=path,
    )


def _mib(n: int) -> str:
    return f"{n // _MIB} MiB" if n % _MIB == 0 else f"{n:,} bytes"
