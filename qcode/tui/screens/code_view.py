"""Screens that compare: the code view (retrieval by code) and coders side by side on a document.

These are the only places other coders' codings appear; the coding screen stays blind.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Select, Static

from qcode.coding import queries
from qcode.text import plural
from qcode.tui.controller import CodingController
from qcode.tui.messages import JumpTo
from qcode.tui.widgets.footer import KeyFooter
from qcode.tui.widgets.results import CodeViewList, CompareList
from qcode.tui.widgets.virtual_list import VirtualList

MINE, ALL = "mine", "all"
_ATTR_ORDER = ("gender", "country", "occupation")


class CodeViewScreen(Screen[JumpTo | None]):
    """Every segment coded with a code, across documents, with interviewee and attributes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back"),
        Binding("enter", "jump", "Show in transcript"),
    ]

    def __init__(self, controller: CodingController, code_id: int, *, pick: bool = False) -> None:
        """Show ``code_id``'s segments; with ``pick``, start in the code picker (nothing to show yet)."""
        super().__init__()
        self.controller = controller
        self.code_id = code_id
        self.pick = pick
        with controller.read() as s:
            self.coders = queries.list_coders(s)

    def compose(self) -> ComposeResult:
        """Filters (code, coder, attribute), the results, a count and the footer."""
        c = self.controller
        codes = [("  " * code.depth + code.name, code.id) for code in c.codes]
        coders = [(f"my codings ({c.coder.name})", MINE), ("all coders", ALL)]
        coders += [(f"coder {k.name}", str(k.id)) for k in self.coders if k.id != c.coder.id]
        with Horizontal(id="filters"):
            yield Select(codes, value=self.code_id, allow_blank=False, id="code", compact=True)
            yield Select(coders, value=MINE, allow_blank=False, id="coder", compact=True)
            yield Select(self._attribute_options(), value="", allow_blank=False, id="attribute", compact=True)
        yield CodeViewList(id="results")
        yield Static(id="count")
        yield KeyFooter()

    def _attribute_options(self) -> list[tuple[str, str]]:
        values: dict[str, set[str]] = {}
        for doc in self.controller.documents:
            for key, value in doc.attributes.items():
                values.setdefault(key, set()).add(value)
        keys = [k for k in _ATTR_ORDER if k in values] + sorted(k for k in values if k not in _ATTR_ORDER)
        options = [("all interviewees", "")]
        for key in keys:
            if len(values[key]) <= 50:
                options += [(f"{key}: {v}", f"{key}={v}") for v in sorted(values[key])]
        return options

    def on_mount(self) -> None:
        """Load the chosen code's segments."""
        self.reload()
        if self.pick:
            self.query_one("#code", Select).focus()
        else:
            self.query_one(CodeViewList).focus()

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Query again with the current filters."""
        c = self.controller
        code_id = self.query_one("#code", Select).value
        coder = self.query_one("#coder", Select).value
        attribute = str(self.query_one("#attribute", Select).value or "")
        if not isinstance(code_id, int):
            return
        coder_ids = None if coder == ALL else [c.coder.id if coder == MINE else int(str(coder))]
        doc_ids = None
        if attribute:
            key, _, value = attribute.partition("=")
            doc_ids = queries.documents_with(c.documents, key, value)
        with c.read() as s:
            rows = queries.code_view(
                s, code_id, coder_ids=coder_ids, document_ids=doc_ids, documents=c.documents
            )
        self.query_one(CodeViewList).set_rows(rows, show_coder=coder_ids is None or coder != MINE)
        code = c.code_by_id[code_id]
        docs = len({r.document for r in rows})
        hint = "enter shows one in its transcript" if rows else "pick another code or coder above"
        self.query_one("#count", Static).update(
            f" {code.name}: {plural(len(rows), 'coding')} in {plural(docs, 'document')} · {hint}"
        )

    @on(VirtualList.Chosen, "#results")
    def action_jump(self) -> None:
        """Back to the coding screen at the highlighted segment."""
        results = self.query_one(CodeViewList)
        if results.rows:
            row = results.rows[results.cursor]
            self.dismiss(JumpTo(row.document_id, row.ordinal))

    def action_close(self) -> None:
        """Back to the coding screen."""
        self.dismiss(None)


class CompareScreen(Screen[JumpTo | None]):
    """The open document with every coder's codes under each segment."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,A", "close", "Back"),
        Binding("enter", "jump", "Show in transcript"),
    ]

    def __init__(self, controller: CodingController) -> None:
        super().__init__()
        self.controller = controller

    def compose(self) -> ComposeResult:
        """The comparison and the footer."""
        yield Static(id="compare-title")
        yield CompareList(id="compare")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Load every coder's codings on this document."""
        c = self.controller
        assert c.transcript is not None
        with c.read() as s:
            by_segment = queries.compare_document(s, c.transcript.document.id)
        view = self.query_one(CompareList)
        view.set_data(c.transcript.segments, by_segment, c.codes)
        self.query_one("#compare-title", Static).update(
            f" Compare coders · {c.transcript.document.name} · {', '.join(view.coders) or 'no codings yet'}"
        )
        view.focus()

    @on(VirtualList.Chosen, "#compare")
    def action_jump(self) -> None:
        """Back to the coding screen at the highlighted segment."""
        c, view = self.controller, self.query_one(CompareList)
        if c.transcript is not None and view.segments:
            self.dismiss(JumpTo(c.transcript.document.id, view.segments[view.cursor].ordinal))

    def action_close(self) -> None:
        """Back to the coding screen."""
        self.dismiss(None)
