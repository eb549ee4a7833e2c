"""The coding half of the coding screen: applying codes, ranges, memos, narrowing, undo and redo.

Every change goes through the controller in its own transaction; a change the database refuses is
said on the status line and left undone (:meth:`CodingActions._changing`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual import on

from qcode.coding.types import CodeInfo
from qcode.errors import StoreError, TransactionFailedError
from qcode.tui.messages import ApplyCode, StoreFailed
from qcode.tui.screens.suggesting import SuggestingScreen
from qcode.tui.widgets.codebook import not_codable_reason

#: How to get codes into a project that has none (said in the status line and by the code keys).
NO_CODEBOOK = "qcode codebook load codebooks/nk-overseas-labor.yaml (or your own), then start qcode again"


class CodingActions(SuggestingScreen):
    """Base of the coding screen: the keys that change codings and memos (the screen shows them)."""

    _message_error: bool

    def refresh_segments(self, indices: list[int] | tuple[int, ...] | range) -> None:
        """Show the stored codes and memo of these segments (the coding screen redraws them)."""

    def open_document(self, index: int, *, segment: int | None = None, ordinal: int | None = None) -> None:
        """Open document ``index`` (the coding screen shows it)."""

    def after_move(self) -> None:
        """Follow the cursor (the coding screen updates the codebook ticks and status)."""

    def say(self, message: str) -> None:
        """Put ``message`` in the status line (until the next move)."""
        self.message = message
        self.update_status()

    def nothing_to_code(self) -> str | None:
        """Why no segment can be coded here (no document, or one without text), else ``None``."""
        tr = self.controller.transcript
        if tr is None:
            return "no document open: import transcripts first"
        if not tr.segments:
            return f"nothing to code: {tr.document.name} has no passages (] next document)"
        return None

    def refusal(self, code: CodeInfo) -> str | None:
        """Why ``code`` cannot be applied to the selection (a group, or a code not for coding), else ``None``.

        Taking a code off is always allowed, so a coding made elsewhere (an import) can be undone here.
        """
        if code.codable:
            return None
        c = self.controller
        if all(code.id in c.codes_at(i) for i in self.transcript.selection):
            return None
        return not_codable_reason(code, c.codes, short=True)

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """A refused change is said and left undone; a store that will not open ends the app."""
        try:
            yield
        except TransactionFailedError as exc:
            # Said on the status line only (a toast saying it again covered that line at 80×24);
            # update_status shows it in a toast, above the line, when it is too long for the line.
            self.message = f"not saved: {exc.gist}; try again"
            self._message_error = True  # kept until the next action, wherever the coder goes
            self.update_status()
        except StoreError as exc:
            self.app.post_message(StoreFailed(exc))

    def apply_code(self, code: CodeInfo) -> None:
        """Toggle a code on the current segment, or on the visual selection."""
        with self._changing():
            self._apply_code(code)

    def _apply_code(self, code: CodeInfo) -> None:
        tv, c = self.transcript, self.controller
        refusal = self.nothing_to_code() or self.refusal(code)
        if refusal is not None:
            self.say(refusal)
            return
        assert c.transcript is not None
        if tv.visual_anchor is not None:
            selection = tv.selection
            ops = c.apply_range(list(selection), code)
            tv.set_anchor(None)
            verb = "applied to" if ops and ops[0].added else "removed from"
            self.message = f"{code.name} {verb} {len(ops)} segments"
            self.refresh_segments(selection)
        else:
            op = c.toggle(tv.cursor, code)
            self.message = f"{code.name} {'applied' if op.added else 'removed'}"
            self.refresh_segments((tv.cursor,))

    @on(ApplyCode)
    def _apply_from_palette(self, message: ApplyCode) -> None:
        code = self.controller.code_by_id.get(message.code_id)
        if code is not None:
            self.apply_code(code)

    def action_toggle_highlighted(self) -> None:
        """Space: toggle the code highlighted in the codebook."""
        code = self.codebook.highlighted
        if code is not None:
            self.apply_code(code)
        else:
            self.say(f"no codebook, so nothing to apply: {NO_CODEBOOK}")

    def action_visual(self) -> None:
        """Start or leave visual mode."""
        tv = self.transcript
        refusal = self.nothing_to_code()
        if refusal is not None and tv.visual_anchor is None:
            self.say(refusal)
            return
        tv.set_anchor(None if tv.visual_anchor is not None else tv.cursor)
        tv.focus()
        self.update_status()

    def action_memo(self) -> None:
        """Edit the memo on the current segment."""
        from qcode.tui.screens.prompts import MemoPrompt

        c, tv = self.controller, self.transcript
        refusal = self.nothing_to_code()
        if refusal is not None or c.transcript is None:
            self.say(refusal or "")
            return
        index = tv.cursor
        seg = c.transcript.segments[index]

        def save(text: str) -> str | None:
            try:
                done = c.set_memo(index, text)
            except TransactionFailedError as exc:
                return f"Not saved: {exc}. Your text is kept: ctrl+s tries again, escape gives up."
            except StoreError as exc:
                self.app.post_message(StoreFailed(exc))
                return None
            if done is not None:
                self.message = "memo saved" if text.strip() else "memo deleted"
                self.refresh_segments((index,))
            return None

        self.app.push_screen(MemoPrompt(seg.ordinal, c.memos.get(seg.id, ""), save))

    def action_narrow(self) -> None:
        """Narrow one of the current segment's codes to the words that carry it (or widen it again)."""
        from qcode.tui.screens.narrow import NarrowChoice, NarrowPrompt

        c, tv = self.controller, self.transcript
        if c.transcript is None or not c.transcript.segments:
            return
        index = tv.cursor
        codes = [code for code in c.codes if code.id in c.codes_at(index)]
        if not codes:
            self.message = "no code here to narrow: apply one first"
            self.update_status()
            return
        seg = c.transcript.segments[index]

        def chosen(choice: NarrowChoice | None) -> None:
            code = None if choice is None else c.code_by_id.get(choice.code_id)
            if choice is None or code is None:
                return
            with self._changing():
                op = c.narrow(index, code, choice.span)
                if op is None:
                    self.message = f"{code.name} unchanged"
                elif op.after is None or choice.span is None:
                    self.message = f"{code.name} covers the whole segment again"
                else:
                    self.message = f"{code.name} narrowed to “{seg.text[choice.span[0] : choice.span[1]]}”"
                self.refresh_segments((index,))

        self.app.push_screen(NarrowPrompt(seg.ordinal, seg.text, codes, c.spans_at(index)), chosen)

    def action_undo(self) -> None:
        """Undo the latest change (in any document) of this session."""
        with self._changing():
            self._replayed(self.controller.undo(), "nothing to undo")

    def action_redo(self) -> None:
        """Redo the latest undone change."""
        with self._changing():
            self._replayed(self.controller.redo(), "nothing to redo")

    def _replayed(self, replayed: object, empty: str) -> None:
        from qcode.tui.controller import Replayed

        if not isinstance(replayed, Replayed):
            self.message = empty
            self.update_status()
            return
        c = self.controller
        if replayed.document_changed and c.transcript is not None:
            self.open_document(c.doc_index, segment=replayed.indices[0] if replayed.indices else 0)
        else:
            self.refresh_segments(replayed.indices)
            if replayed.indices:
                self.transcript.move_to(replayed.indices[0], notify=False)
        self.message = replayed.label  # said where undo put the cursor: the first segment it changed
        self.after_move()
