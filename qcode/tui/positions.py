"""Where each coder was in each project when they quit, so the coding screen reopens there.

A small JSON file of the user's own (``$XDG_STATE_HOME/qcode/positions.json``, by default
``~/.local/state/qcode/positions.json``), never the project database: moving about is not a change
to the project. Keyed by the project (its resolved file, or its URL with the password hidden) and
the coder's name; a position names the document by its content hash, so it survives a re-import,
and the segment by its ordinal. Written whole to a temporary file and moved into place, so a crash
never leaves half a file; a file that cannot be read or written is ignored (the screen then opens
where the coder last coded).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qcode.config import redact_url, state_dir
from qcode.store.probe import sqlite_file

FILE_NAME = "positions.json"


@dataclass(frozen=True)
class Position:
    """A document (by content hash) and a segment ordinal in it."""

    document: str
    ordinal: int


def positions_file() -> Path:
    """``$XDG_STATE_HOME/qcode/positions.json`` (``~/.local/state/qcode/positions.json``)."""
    return state_dir() / FILE_NAME


def project_key(url: str) -> str:
    """The project's identity in the file: its resolved path on SQLite, else its URL without the password."""
    path = sqlite_file(url)
    return str(path.resolve()) if path is not None else redact_url(url)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load(url: str, coder: str) -> Position | None:
    """Where ``coder`` was in the project at ``url`` when they last quit, if known."""
    entry = _read(positions_file()).get(project_key(url), {}).get(coder)
    if not isinstance(entry, dict):
        return None
    document, ordinal = entry.get("document"), entry.get("segment")
    if not isinstance(document, str) or not isinstance(ordinal, int):
        return None
    return Position(document, ordinal)


def save(url: str, coder: str, position: Position) -> None:
    """Remember ``position`` for ``coder`` in the project at ``url`` (best effort, atomic)."""
    path = positions_file()
    data = _read(path)
    project = data.get(project_key(url))
    if not isinstance(project, dict):
        project = data[project_key(url)] = {}
    project[coder] = {"document": position.document, "segment": position.ordinal}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".positions-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home: the next start opens where the coder last coded
