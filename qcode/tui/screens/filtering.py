"""The coding screen's part of the query filter: open the query screen, mark its segments, visit them.

The query screen itself (:mod:`qcode.tui.screens.query`, with the results list) loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from qcode.text import plural
from qcode.tui.messages import JumpTo

if TYPE_CHECKING:
    from qcode.tui.controller import CodingController
    from qcode.tui.screens.query import QueryPick
    from qcode.tui.widgets.transcript import TranscriptView


class QueryFiltering(Screen[None]):
    """The coding screen's part of the filter: open it, mark its segments, go from one to the next."""

    controller: CodingController
    hit_indices: list[int]
    search_text: str
    query_text: str = ""
    query_where: str = ""
    query_hits: tuple[tuple[int, int], ...] = ()
    message: str  # on the status line, until the coder moves on

    @property
    def transcript(self) -> TranscriptView:  # the coding screen's transcript pane
        raise NotImplementedError

    def update_status(self) -> None:
        """Redraw the status line (the coding screen says what is in it)."""

    def jump_to(self, message: JumpTo) -> None:
        """Show a segment in its transcript (the coding screen opens the document)."""

    def action_query(self) -> None:
        """``ctrl+f``: the segments a query selects, across documents."""
        from qcode.tui.screens.query import QueryScreen

        self.app.push_screen(
            QueryScreen(self.controller, self.query_text, self.query_where), self._query_done
        )

    def _query_done(self, pick: QueryPick | None) -> None:
        if pick is None:
            return
        self.query_text, self.query_where, self.query_hits = pick.query, pick.where, pick.hits
        if pick.jump is not None:
            self.jump_to(pick.jump)
        self.mark_query_hits()
        self.update_status()

    def query_status(self) -> str:
        """The filter for the status line (empty when there is none): ``query wages: hit 2/5 (n N)`` on
        a selected segment, as the search says where the cursor is among its hits, else the count."""
        if not self.query_text and not self.query_where:
            return ""
        what = " ".join(
            p for p in (self.query_text, f"where {self.query_where}" if self.query_where else "") if p
        )
        order, here = self._query_order()
        if here in order:
            return f"query {what}: hit {order.index(here) + 1}/{len(order)} (n N)"
        return f"query {what}: {plural(len(order), 'segment')} (n N)"

    def _query_order(self) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
        """The selected segments in reading order (documents as listed), and the cursor's segment."""
        order = {d.id: d.name for d in self.controller.documents}
        hits = [hit for _key, hit in sorted(((order.get(d, ""), o), (d, o)) for d, o in self.query_hits)]
        tr = self.controller.transcript
        if tr is None or not tr.segments:
            return hits, None
        return hits, (tr.document.id, tr.segments[self.transcript.cursor].ordinal)

    def mark_query_hits(self) -> None:
        """Mark the open document's selected segments (a text search, while open, takes precedence)."""
        tr = self.controller.transcript
        if tr is None or self.search_text:
            return
        ordinals = {o for d, o in self.query_hits if d == tr.document.id}
        marks = {i: ((0, len(s.text)),) for i, s in enumerate(tr.segments) if s.ordinal in ordinals}
        self.hit_indices = sorted(marks)
        self.transcript.set_hits(marks)

    def query_step(self, step: int) -> None:
        """Go to the next (``step`` 1) or previous (-1) selected segment, across documents, wrapping."""
        tr = self.controller.transcript
        if not self.query_hits or tr is None:
            return
        order = {d.id: d.name for d in self.controller.documents}
        here = (
            order.get(tr.document.id, ""),
            tr.segments[self.transcript.cursor].ordinal if tr.segments else 0,
        )
        keyed = sorted(((order.get(d, ""), o), (d, o)) for d, o in self.query_hits)
        if step > 0:
            ahead = [hit for key, hit in keyed if key > here]
            target = ahead[0] if ahead else keyed[0][1]
        else:
            ahead = [hit for key, hit in keyed if key < here]
            target = ahead[-1] if ahead else keyed[-1][1]
        self.jump_to(JumpTo(*target))
        self.mark_query_hits()
        # set after the jump: the status line forgets a message once the cursor leaves where it was said
        self.message = "" if ahead else f"query wrapped to the {'top' if step > 0 else 'bottom'}"
        if self.message:  # said in a toast too, as the search does: the status line is cut when narrow
            self.notify(self.message, timeout=2)
        self.update_status()
