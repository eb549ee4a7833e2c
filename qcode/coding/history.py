"""Session undo and redo: a pure stack of actions, each a group of ops applied together.

The history never touches the database: ``undo`` and ``redo`` return the action to apply, and the
caller applies it through the coding service (its own transaction and event, like any change).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from qcode.coding.types import Op


@dataclass(frozen=True, slots=True)
class Action:
    """What one keypress changed: a label for the status line and its ops in order."""

    label: str
    ops: tuple[Op, ...]

    def inverse(self) -> Action:
        """The action that takes this one back (inverse ops, last first)."""
        return Action(self.label, tuple(op.inverse() for op in reversed(self.ops)))


class History:
    """Undo and redo stacks for one coder's session, across documents."""

    def __init__(self, limit: int = 10_000) -> None:
        self._undo: deque[Action] = deque(maxlen=limit)
        self._redo: list[Action] = []

    @property
    def can_undo(self) -> bool:
        """Whether there is anything to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is anything to redo."""
        return bool(self._redo)

    def record(self, action: Action) -> None:
        """Remember a new action; a new change forgets what could be redone."""
        if not action.ops:
            return
        self._undo.append(action)
        self._redo.clear()

    def undo(self) -> Action | None:
        """The action that undoes the latest change, or ``None``; it moves to the redo stack."""
        if not self._undo:
            return None
        action = self._undo.pop()
        self._redo.append(action)
        return action.inverse()

    def redo(self) -> Action | None:
        """The action that redoes the latest undone change, or ``None``."""
        if not self._redo:
            return None
        action = self._redo.pop()
        self._undo.append(action)
        return action

    def undo_failed(self) -> None:
        """The latest undo never reached the database: it is still there to undo."""
        if self._redo:
            self._undo.append(self._redo.pop())

    def redo_failed(self) -> None:
        """The latest redo never reached the database: it is still there to redo."""
        if self._undo:
            self._redo.append(self._undo.pop())
