"""The coding screen's query filter: ``ctrl+f`` lists the segments a query selects, ``n`` ``N`` visit them.

The query language is ``qcode query``'s (docs/queries.md), with ``--where`` conditions separated
by ``;``. Coding stays blind: codes count as this coder applied them, unless the query names
another coder on purpose (``bribery@bob``). Enter shows a segment in its transcript; the
selected segments stay marked there, and ``n`` / ``N`` (or ``>`` / ``<``) go to the next or previous
one across documents until the filter is cleared (an empty query).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from qcode.coding.types import CodeViewRow
from qcode.text import plural
from qcode.tui.messages import JumpTo
from qcode.tui.widgets.footer import KeyFooter
from qcode.tui.widgets.results import CodeViewList
from qcode.tui.widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    from qcode.tui.controller import CodingController

#: Segments listed (and visited with n N) at most; the count says how many more there are.
LIMIT = 5_000


@dataclass(frozen=True)
class QueryPick:
    """What the query screen hands back: the filter, its segments, and where to go (if anywhere)."""

    query: str
    where: str
    hits: tuple[tuple[int, int], ...]  # (document id, ordinal), in document-name and segment order
    jump: JumpTo | None = None


class _Found(Message):
    """The worker's answer: rows and the total, or the one-line reason the query failed."""

    def __init__(self, rows: Sequence[CodeViewRow], total: int, error: str = "") -> None:
        super().__init__()
        self.rows, self.total, self.error = rows, total, error


class QueryScreen(Screen[QueryPick | None]):
    """A query, conditions, and the segments they select across documents."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("enter", "jump", "Show in transcript", show=False),
    ]

    def __init__(self, controller: CodingController, query: str = "", where: str = "") -> None:
        super().__init__()
        self.controller = controller
        self.initial = (query, where)
        self.rows: Sequence[CodeViewRow] = ()
        self.ran: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        """The query and conditions boxes, the count, the segments, the footer."""
        yield Input(self.initial[0], id="query", placeholder="query, e.g. bribery AND NOT remittance")
        yield Input(
            self.initial[1], id="where", placeholder="where (optional), e.g. gender=Female; country~Russia"
        )
        yield Static(" enter runs the query; an empty query clears the filter", id="query-count")
        yield CodeViewList(id="query-results")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Start in the query box."""
        self.query_one("#query", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        query = self.query_one("#query", Input).value.strip()
        where = self.query_one("#where", Input).value.strip()
        if not query and not where:
            self.dismiss(QueryPick("", "", ()))
            return
        self.ran = (query, where)
        self.query_one("#query-count", Static).update(" running…")
        self._run(query, [w.strip() for w in where.split(";") if w.strip()])

    @work(thread=True, exclusive=True, group="query")
    def _run(self, query: str, where: list[str]) -> None:
        from qcode.errors import QcodeError
        from qcode.query.service import find_segments, resolve_scope

        c = self.controller
        ids = {d.name: d.id for d in c.documents}
        try:
            with c.reading() as session:
                scope = resolve_scope(session, query or None, where, (c.coder.id,))
                assert scope is not None
                hits = find_segments(session, scope, (c.coder.id,))
                rows: list[CodeViewRow] = []
                for page in hits.pages:
                    rows += [_row(h, ids.get(h.document, -1)) for h in page]
                    if len(rows) >= LIMIT:
                        hits.pages.close()
                        break
        except QcodeError as exc:
            self.post_message(_Found((), 0, str(exc)))
            return
        self.post_message(_Found(rows[:LIMIT], hits.total))

    @on(_Found)
    def _found(self, message: _Found) -> None:
        count = self.query_one("#query-count", Static)
        results = self.query_one(CodeViewList)
        if message.error:
            count.update(f" {message.error}")
            return
        self.rows = message.rows
        results.set_rows(message.rows, show_coder=True)
        docs = len({r.document_id for r in message.rows})
        more = f" (the first {len(message.rows)} listed)" if message.total > len(message.rows) else ""
        count.update(
            f" {plural(message.total, 'segment')} in {plural(docs, 'document')}{more}"
            " · enter shows one · n N visit them later"
        )
        if message.rows:
            results.focus()

    @on(VirtualList.Chosen, "#query-results")
    def action_jump(self) -> None:
        """Back to the coding screen at the highlighted segment, keeping the filter."""
        results = self.query_one(CodeViewList)
        if self.rows and self.ran is not None:
            row = self.rows[results.cursor]
            self.dismiss(self._pick(JumpTo(row.document_id, row.ordinal)))

    def action_close(self) -> None:
        """Back to the coding screen (keeping the filter if a query ran)."""
        self.dismiss(self._pick(None) if self.ran is not None else None)

    def _pick(self, jump: JumpTo | None) -> QueryPick:
        assert self.ran is not None
        return QueryPick(*self.ran, tuple((r.document_id, r.ordinal) for r in self.rows), jump)


def _row(hit: object, document_id: int) -> CodeViewRow:
    from qcode.query.service import Hit

    assert isinstance(hit, Hit)
    codes = ", ".join(dict.fromkeys(code for code, _coder in hit.codes)) or "no codes of yours"
    return CodeViewRow(
        document_id,
        hit.document,
        hit.attributes,
        0,
        hit.segment,
        hit.passage,
        hit.section,
        hit.text,
        codes,
        None,
    )
