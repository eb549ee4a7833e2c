"""Small typed messages that screens and workers post up to the coding screen."""

from __future__ import annotations

from collections.abc import Mapping

from textual.message import Message

from qcode.coding.types import Progress
from qcode.errors import StoreError


class ApplyCode(Message):
    """Toggle a code on the current segment (or the visual selection), from the palette or ``:``."""

    def __init__(self, code_id: int) -> None:
        super().__init__()
        self.code_id = code_id


class ProgressLoaded(Message):
    """The worker counted this coder's progress, and read every document's attributes, by document id."""

    def __init__(self, progress: Mapping[int, Progress], attributes: Mapping[int, dict[str, str]]) -> None:
        super().__init__()
        self.progress = progress
        self.attributes = attributes


class StoreFailed(Message):
    """The project would not open for a change: the app says why and quits (nothing was written)."""

    def __init__(self, error: StoreError) -> None:
        super().__init__()
        self.error = error


class JumpTo(Message):
    """Show a segment in its transcript (from the code view)."""

    def __init__(self, document_id: int, ordinal: int) -> None:
        super().__init__()
        self.document_id = document_id
        self.ordinal = ordinal
