"""The finding half of the coding screen: search, the code prompt, the comparing screens, help."""

from __future__ import annotations

from textual import on, work
from textual.screen import Screen
from textual.widgets import Input

from qcode.tui.controller import CodingController
from qcode.tui.messages import ApplyCode, JumpTo
from qcode.tui.screens.filtering import QueryFiltering
from qcode.tui.widgets.codebook import CodebookList
from qcode.tui.widgets.transcript import TranscriptView


class FindingScreen(QueryFiltering):
    """Base of the coding screen: everything that finds text, codes and other coders' work."""

    controller: CodingController
    hit_indices: list[int]
    search_text: str
    message: str  # on the status line, until the coder moves on
    typing_ahead = False  # a key that opens a box was pressed: the keys after it are for the box

    @property
    def transcript(self) -> TranscriptView:
        """The transcript pane."""
        return self.query_one("#transcript", TranscriptView)

    @property
    def codebook(self) -> CodebookList:
        """The codebook list."""
        return self.query_one("#codebook", CodebookList)

    def update_status(self) -> None:
        """Redraw the status line (the coding screen says what is in it)."""

    def current_codes(self) -> frozenset[int]:
        """Codes on the current segment."""
        return frozenset()

    def jump_to(self, message: JumpTo) -> None:
        """Show a segment in its transcript (the coding screen opens the document)."""

    def action_search(self) -> None:
        """Open the search box under the transcript."""
        search = self.query_one("#search", Input)
        search.display = True
        self.set_focus(search)  # now, not after the queue: letters typed ahead must find it

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one("#search", Input).display = False
        self.typing_ahead = False
        self.transcript.focus()
        if self.search_text:
            self.action_hit(1, include_current=True)
        else:  # an empty search clears it
            self.update_status()

    def run_search(self, raw: str) -> None:
        """Highlight every hit of ``raw`` in the open transcript."""
        from qcode.coding.search import find_text, parse_query

        self.search_text = raw.strip()
        query, fuzzy = parse_query(raw)
        tr = self.controller.transcript
        texts = [s.text for s in tr.segments] if tr is not None else []
        hits = find_text(query, texts, fuzzy=fuzzy)
        self.hit_indices = [h.index for h in hits]
        self.transcript.set_hits({h.index: h.spans for h in hits})
        if not self.search_text and self.query_hits:
            self.mark_query_hits()
        self.update_status()

    def action_hit(self, step: int, include_current: bool = False) -> None:
        """``n`` / ``N``: the next or previous search hit (wrapping, and saying so), else query match."""
        if not self.search_text and self.query_hits:
            self.query_step(step)
            return
        if not self.hit_indices:
            self.message = "" if self.search_text else "no search: / searches"  # the status says "no hits"
            self.update_status()
            return
        cur = self.transcript.cursor
        if step > 0:
            ahead = [i for i in self.hit_indices if i > cur or (include_current and i == cur)]
            target = ahead[0] if ahead else self.hit_indices[0]
        else:
            ahead = [i for i in self.hit_indices if i < cur]
            target = ahead[-1] if ahead else self.hit_indices[-1]
        self.transcript.move_to(target)
        self.message = f"search wrapped to the {'top' if step > 0 else 'bottom'}" if not ahead else ""
        if self.message:  # said in a toast too: the status line is cut on a narrow terminal
            self.notify(self.message, timeout=2)
        self.update_status()

    def search_status(self) -> str:
        """``/embassy: hit 2/4 (n N)`` for the status line: where the cursor is among the hits."""
        hits = self.hit_indices
        if not hits:
            return f"/{self.search_text}: no hits"
        cur = self.transcript.cursor
        if cur in hits:
            return f"/{self.search_text}: hit {hits.index(cur) + 1}/{len(hits)} (n N)"
        return f"/{self.search_text}: {len(hits)} {'hit' if len(hits) == 1 else 'hits'} (n N)"

    def action_code_prompt(self) -> None:
        """``:``: find a code by name or keyword, then toggle it."""
        from qcode.tui.screens.prompts import CodePrompt

        def chosen(code_id: int | None) -> None:
            if code_id is not None:
                self.post_message(ApplyCode(code_id))

        self.app.push_screen(CodePrompt(self.controller.codes, self.current_codes()), chosen)

    def action_code_view(self) -> None:
        """``C``: every segment coded with a code: the highlighted one if you used it, else your first.

        With no codings of yours yet, the view opens with its code picker focused.
        """
        from qcode.coding.queries import coded_codes
        from qcode.tui.screens.code_view import CodeViewScreen

        c = self.controller
        if not c.codes:
            return
        with c.read() as s:
            used = coded_codes(s, c.coder.id)
        highlighted = self.codebook.highlighted
        if highlighted is not None and highlighted.id in used:
            code = highlighted
        else:
            code = next((k for k in c.codes if k.id in used), highlighted or c.codes[0])
        self.app.push_screen(CodeViewScreen(c, code.id, pick=code.id not in used), self._jump)

    def action_compare(self) -> None:
        """``A``: every coder's codes on this document side by side."""
        from qcode.tui.screens.code_view import CompareScreen

        if self.controller.transcript is not None:
            self.app.push_screen(CompareScreen(self.controller), self._jump)

    def action_agreement(self) -> None:
        """``K``: inter-coder agreement for the whole project, opened deliberately (not blind)."""
        self.message = "computing agreement…"  # on the status line: a toast would lie over the window
        self.update_status()
        self._compute_agreement()

    def _agreement_ready(self, screen: Screen[None] | None) -> None:
        """Take the progress word off the status line, then open the window (if there is one)."""
        if self.message == "computing agreement…":
            self.message = ""
            self.update_status()
        if screen is not None:
            self.app.push_screen(screen)

    @work(thread=True, exclusive=True, group="agreement")
    def _compute_agreement(self) -> None:
        from qcode.coding.matrices import agreement_data, agreement_report, compared, whole
        from qcode.errors import QcodeError
        from qcode.tui.screens.agreement import AgreementScreen

        try:
            with self.controller.unit() as session:
                data = agreement_data(session)
            report = agreement_report(whole(data))
        except QcodeError as exc:
            self.app.call_from_thread(self._agreement_ready, None)
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
            return
        shared = compared(data)
        screen = AgreementScreen(
            report, unit=data.unit, notes=data.notes, documents=shared.documents, with_codes=shared.with_codes
        )
        self.app.call_from_thread(self._agreement_ready, screen)

    def action_chart(self) -> None:
        """``B``: a bar chart of this coder's own code frequencies (segments per code)."""
        from qcode.export.report_service import code_frequencies
        from qcode.export.service import ExportFilter
        from qcode.tui.screens.chart import ChartScreen

        coder = self.controller.coder
        with self.controller.unit() as session:
            freqs = code_frequencies(session, ExportFilter(coder_ids=(coder.id,)))
        self.app.push_screen(
            ChartScreen(
                [f.name for f in freqs],
                [f.count for f in freqs],
                f"Code frequencies · {coder.name}",
                f"Segments per code, coded by {coder.name}",
            )
        )

    def _jump(self, target: JumpTo | None) -> None:
        if target is not None:
            self.jump_to(target)

    # -- other ----------------------------------------------------------------------------------

    def action_focus_mode(self) -> None:
        """``F``: show the transcript alone (or all panes again)."""
        self.toggle_class("-focus")

    def action_theme(self) -> None:
        """``T``: switch between the dark and the light theme."""
        self.app.theme = "textual-light" if self.app.theme == "textual-dark" else "textual-dark"

    def action_help(self) -> None:
        """``?``: every key."""
        from qcode.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.controller.codes))

    async def action_quit(self) -> None:
        """``q``: quit (every change is already in the database)."""
        self.app.exit()
