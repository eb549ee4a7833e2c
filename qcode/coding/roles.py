"""Who may write what: a coder changes only their own codings and memos, and the consensus coder is
written only by adjudication.

The coding services take the coder whose work changes and check it here, so every front end (the
TUI, undo and redo, imports, merges) meets the same rule. Standard library only.
"""

from __future__ import annotations

from collections.abc import Collection

from qcode.coding.types import CoderRef
from qcode.errors import RoleError

#: A coder who codes in their own right.
CODER = "coder"
#: The coder adjudication writes: the agreed version of the compared coders' work.
CONSENSUS = "consensus"
ROLES = (CODER, CONSENSUS)
#: The actor of commands run by nobody in particular (imports and merges of others' work).
SYSTEM = "system"


#: The longest coder name (the column's width).
MAX_CODER_NAME = 200


def coder_name_problem(name: str) -> str | None:
    """Why ``name`` (blanks around it ignored) cannot name a coder, or ``None`` if it can."""
    name = name.strip()
    if not name:
        return "a name is needed: it labels every coding you make"
    if len(name) > MAX_CODER_NAME:
        return f"a coder name has at most {MAX_CODER_NAME} characters (this one has {len(name)})"
    return None


def require_coder(coder: CoderRef) -> None:
    """Refuse a direct change to a consensus coder (only adjudication writes one).

    Raises:
        RoleError: ``coder`` has the consensus role.
    """
    if coder.role != CODER:
        raise RoleError(
            f"{coder.name!r} is the consensus coder: its codings and memos are written only by "
            "adjudication (`qcode adjudicate`)"
        )


def acting_coder(actor: str, coders: Collection[str]) -> str | None:
    """The coder an actor acts as: their name when it is a registered coder's, else ``None``.

    An actor who is no coder (``system``, a script's label) administers the project: it may bring in
    any coder's work (imports, merges) but never writes a consensus coder.
    """
    return actor if actor != SYSTEM and actor in coders else None


def require_own(acting: str | None, owner: str, what: str) -> None:
    """Refuse a coder acting on another coder's work.

    Args:
        acting: the coder who runs the change (see :func:`acting_coder`), or ``None``.
        owner: the coder whose work would change.
        what: what would change, for the message (``"bob's codings"``).

    Raises:
        RoleError: ``acting`` is a coder other than ``owner``.
    """
    if acting is not None and acting != owner:
        raise RoleError(f"{acting!r} cannot change {what}: a coder changes only their own work")
