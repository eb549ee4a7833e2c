"""Paths and settings (standard library only)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TextIO

#: Environment variable naming the project database URL.
DB_ENV = "QCODE_DB"
#: Environment variable naming the coder.
CODER_ENV = "QCODE_CODER"
#: Default project database file in the current directory.
DEFAULT_DB_FILE = "qcode.db"

PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return a bundled data folder (``transcripts``, ``codebooks`` or ``sources``).

    In a source checkout the folders sit beside the package; in an installed
    wheel they are shipped inside it as ``qcode/_data/<name>``.
    """
    installed = PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / name


def bundled_transcripts() -> Path:
    """The corpus qcode ships: transcripts written from the report."""
    return data_dir("transcripts")


def bundled_report() -> Path:
    """The source report the transcripts are extracted from (``sources/README.md`` says whence)."""
    return data_dir("sources") / "report-nk-overseas-labor.txt"


def bundled_codebook() -> Path:
    """The default codebook for the bundled corpus."""
    return data_dir("codebooks") / "nk-overseas-labor.yaml"


def colour_wanted(stream: TextIO) -> bool:
    """Whether to colour output to ``stream``: a terminal, and no ``NO_COLOR`` (no-color.org) set."""
    return bool(stream.isatty()) and not os.environ.get("NO_COLOR")


def state_dir() -> Path:
    """qcode's own state (not settings, not projects): ``$XDG_STATE_HOME/qcode``, ``~/.local/state/qcode``."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "qcode"


def database_url(explicit: str | None = None) -> str:
    """Resolve the project database URL: ``--db``, then ``QCODE_DB``, then ``./qcode.db``.

    A bare path is turned into a SQLite URL.
    """
    raw = explicit or os.environ.get(DB_ENV) or DEFAULT_DB_FILE
    if "://" in raw:
        return raw
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


#: The longest project name the coding screen shows; a longer path keeps its last folders.
MAX_PROJECT_LABEL = 36
#: A database server as a label may show it: a host name or address, perhaps a port.
_SERVER = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]*)(:\d+)?")


def project_label(url: str, cwd: Path | None = None) -> str:
    """The project as its coders know it: ``qcode.db`` (a file in this folder), ``~/study/qcode.db``,
    or ``db.example.org:5432/study`` for a server; never a user name or password from the URL."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    if scheme.startswith("sqlite"):
        database = rest.split("?", 1)[0]
        if "@" in database:  # credentials (an encrypted SQLite's passphrase): the file after them
            database = database.rpartition("@")[2]
        database = database[1:] if database.startswith("/") else database
        if database in ("", ":memory:"):
            return "in-memory database"
        return _short_path(Path(database), cwd or Path.cwd())
    # Read both ways round: a '?' or '@' inside a password or a query makes them differ, and then
    # nothing of the URL is shown rather than a piece of a secret.
    one = rest.split("?", 1)[0].rpartition("@")[2]
    other = rest.rpartition("@")[2].split("?", 1)[0]
    host, _slash, database = one.partition("/")
    if one != other or not _SERVER.fullmatch(host) or "@" in database:
        return "database server"
    return f"{host or 'localhost'}/{database}" if database else host or "localhost"


def _short_path(path: Path, cwd: Path) -> str:
    for base, prefix in ((cwd, ""), (Path.home(), "~/")):
        try:
            path = Path(prefix + str(path.relative_to(base)))
            break
        except ValueError:
            continue
    text = str(path)
    if len(text) <= MAX_PROJECT_LABEL:
        return text
    kept = f"{path.parent.name}/{path.name}"  # the folder says which project: always some of it
    if len(kept) + 2 > MAX_PROJECT_LABEL:
        return "…" + kept[-(MAX_PROJECT_LABEL - 1) :]
    for part in reversed(path.parts[:-2]):
        if len(f"…/{part}/{kept}") > MAX_PROJECT_LABEL:
            break
        kept = f"{part}/{kept}"
    return f"…/{kept}"


#: Query parameters of a database URL that carry secrets (libpq's names).
SECRET_PARAMETERS = frozenset({"password", "sslpassword", "passfile"})


def redact_url(url: str) -> str:
    """Hide the passwords in a database URL (``user:PASSWORD@`` and ``?password=``) so it can be printed.

    A password may hold ``@``, ``/``, ``?`` or ``&`` unencoded, which makes the URL read two ways: from
    the user name to the last ``@`` (what a password holding ``@`` needs), and the query from the
    first ``?`` (SQLAlchemy's reading). Whatever either reading calls a password is hidden, so a
    password is never half shown, at the cost of hiding more of an odd URL than needed. In the
    query, a part after a password that is not ``key=value`` is taken as more of it (an unencoded
    ``&``); one that is ``key=value`` is read as the next parameter, as the server would read it.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    start = len(scheme) + len(sep)
    hidden: list[tuple[int, int]] = []  # [from, to) in url
    creds, at, _tail = rest.rpartition("@")
    colon = creds.find(":")
    if at and colon >= 0:
        hidden.append((start + colon + 1, start + len(creds)))
    for q in (i for i, ch in enumerate(rest) if ch == "?"):  # each possible start of the query
        at_item, in_secret = start + q + 1, False
        for item in rest[q + 1 :].split("&"):
            key, eq, _value = item.partition("=")
            if eq and key.lower() in SECRET_PARAMETERS:
                hidden.append((at_item + len(key) + 1, at_item + len(item)))
                in_secret = True
            elif in_secret and not (eq and key):  # no key=value: more of the password (an unencoded &)
                hidden.append((at_item - 1, at_item + len(item)))
            else:
                in_secret = False
            at_item += len(item) + 1
    merged: list[list[int]] = []
    for a, b in sorted(hidden):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        out += [url[pos:a], "***"]
        pos = b
    out.append(url[pos:])
    return "".join(out)


#: Keys the coding TUI keeps for itself; a codebook may not use them as hotkeys.
RESERVED_HOTKEYS: frozenset[str] = frozenset(
    {
        "j",
        "k",
        "g",
        "G",
        "n",
        "N",
        "m",
        "u",
        "v",
        "q",
        "?",
        "/",
        ":",
        "[",
        "]",
        "{",
        "}",
        "<",
        ">",
        "C",
        "A",
        "K",
        "B",
        "T",
        "F",
        "S",
        "Y",
        " ",
    }
)

#: Environment variable that turns code suggestions off in the coding screen (``0``, ``off``, ``no``).
SUGGEST_ENV = "QCODE_SUGGEST"


def suggestions_enabled(value: str | None = None) -> bool:
    """Whether the coding screen suggests codes: on unless ``$QCODE_SUGGEST`` (or ``value``) says off."""
    raw = os.environ.get(SUGGEST_ENV, "") if value is None else value
    return raw.strip().lower() not in {"0", "off", "no", "false"}
