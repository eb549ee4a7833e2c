"""The codebook as plain frozen dataclasses, and the error that lists a file's problems.

``qcode.codebook.schema`` re-exports everything here; import from there.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from qcode.errors import InputError

#: Namespace of the GUIDs qcode derives from code ids (uuid5 of the id in this namespace).
GUID_NAMESPACE = uuid.UUID("6f1c3f52-8d0e-5b7a-9a54-2c1d0b7e4a10")
#: Key used in a :class:`Problem` about the file as a whole (encoding, syntax, emptiness).
FILE_KEY = "(file)"


def derive_guid(code_id: str) -> str:
    """The stable GUID of a code that was given none: uuid5 of its id (lowercase, no braces)."""
    return str(uuid.uuid5(GUID_NAMESPACE, code_id))


def canonical_guid(guid: str) -> str:
    """``{ABC…}`` and ``abc…`` name the same GUID: drop braces, lowercase."""
    return guid.strip().strip("{}").lower()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a codebook, located as precisely as the source allows.

    Attributes:
        path: the file (or a label such as ``<memory>`` for a codebook built in code).
        line: 1-based line, or ``None`` when the source has no lines.
        key: where in the document: ``codes[3].hotkey``, ``version``, or ``(file)``.
        message: what is wrong and, where it helps, how to fix it.
    """

    path: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.key}: {self.message}"


@dataclass(frozen=True)
class CodeSpec:
    """One code of a codebook, as written in the file.

    Attributes:
        id: stable identifier (``[a-z0-9][a-z0-9_-]*``); survives renames, never reused.
        name: what the coder sees; unique in the codebook, compared case-insensitively.
        parent: id of the group this code belongs to, or ``None`` at the top.
        description: one line saying what the code is about.
        inclusion: when to apply the code.
        exclusion: when not to (and which code to use instead).
        example_text: a short verbatim passage from the corpus (``""`` if none).
        example_interviewee: who said it (``""`` if no example).
        keywords: synonyms used for search and suggestions.
        hotkey: one key in the coding screen; required for leaf codes, optional for groups.
        colour: ``#rrggbb`` (lowercase), or ``None`` where the source gives none.
        guid: REFI-QDA GUID as given by the file (lowercase, no braces), else ``None``;
            :attr:`effective_guid` derives a stable one from the id.
        codable: whether coders apply the code (REFI-QDA ``isCodable``); ``None`` leaves it to
            the codebook's shape (see :meth:`Codebook.is_codable`).
    """

    id: str
    name: str
    parent: str | None
    description: str
    inclusion: str
    exclusion: str
    example_text: str
    example_interviewee: str
    keywords: tuple[str, ...]
    hotkey: str | None
    colour: str | None
    guid: str | None = None
    codable: bool | None = None

    @property
    def effective_guid(self) -> str:
        """The GUID to export: the file's own, else uuid5 of the id."""
        return self.guid if self.guid is not None else derive_guid(self.id)


@dataclass(frozen=True)
class Codebook:
    """A named, versioned list of codes in file order (groups are codes that others name as parent)."""

    name: str
    version: int
    codes: tuple[CodeSpec, ...]

    @cached_property
    def by_id(self) -> dict[str, CodeSpec]:
        """Codes by id."""
        return {code.id: code for code in self.codes}

    @cached_property
    def group_ids(self) -> frozenset[str]:
        """Ids of the codes that have children."""
        return frozenset(code.parent for code in self.codes if code.parent is not None)

    def children(self, parent: str | None) -> tuple[CodeSpec, ...]:
        """The codes directly under ``parent`` (``None``: the top level), in file order."""
        return tuple(code for code in self.codes if code.parent == parent)

    def is_codable(self, code: CodeSpec) -> bool:
        """The code's own ``codable`` where given, else: leaves are codable, groups are not."""
        return code.codable if code.codable is not None else code.id not in self.group_ids

    def leaves(self) -> tuple[CodeSpec, ...]:
        """The codes a coder applies: those without children."""
        return tuple(code for code in self.codes if code.id not in self.group_ids)


class CodebookInvalidError(InputError):
    """A codebook file or object has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = tuple(problems)
        if problems:
            self.path = problems[0].path
            self.line = problems[0].line
