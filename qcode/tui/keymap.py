"""The coding screen's keys, in one table: the bindings, the footer and the help screen read it.

Every printable single-character key here is in :data:`qcode.config.RESERVED_HOTKEYS`, so a
codebook can never shadow it (a test checks this).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    """One binding: keys (comma-separated, as typed), the screen action, help text, footer label."""

    keys: str
    action: str
    help: str
    footer: str = ""
    group: str = "Coding"
    palette: str = ""  # the command palette's title, where the help text reads badly as one


#: Moving inside a list (bound on the lists themselves, listed here for the help screen).
MOVE_KEYS: tuple[Key, ...] = (
    Key("down,j", "", "next segment (or item in a list)", group="Moving"),
    Key("up,k", "", "previous segment", group="Moving"),
    Key("pagedown,pageup", "", "a page down / up", group="Moving"),
    Key("home,g", "", "first segment", group="Moving"),
    Key("end,G", "", "last segment", group="Moving"),
    Key("tab,shift+tab", "", "next / previous pane", group="Moving"),
)

#: The coding screen's own bindings.
SCREEN_KEYS: tuple[Key, ...] = (
    Key("[", "document(-1)", "previous document", group="Moving"),
    Key("]", "document(1)", "next document", group="Moving"),
    Key("}", "uncoded(1)", "next segment you have not coded", "Uncoded", "Moving", "Next uncoded segment"),
    Key("{", "uncoded(-1)", "previous segment you have not coded", "", "Moving", "Previous uncoded segment"),
    Key("space", "toggle_highlighted", "toggle the code highlighted in the codebook"),
    Key("v", "visual", "visual mode: select a range, then a code hotkey", "Visual"),
    Key(
        ":",
        "code_prompt",
        "find a code by name or keyword and apply it",
        palette="Code prompt: find a code and apply it",
    ),
    Key("m", "memo", "memo on the current segment", "Memo"),
    Key(
        "ctrl+n",
        "narrow",
        "narrow a code on the segment to the words that carry it",
        palette="Narrow a coding: keep only the words that carry the code",
    ),
    Key(
        "Y",
        "accept_suggestion",
        "accept the first suggested code (undo takes it back)",
        palette="Accept suggestion: apply the first suggested code",
    ),
    Key("u", "undo", "undo (whole session, across documents)", "Undo"),
    Key("ctrl+r", "redo", "redo"),
    Key("/", "search", "search the text (~ prefix: fuzzy)", "Search", group="Finding"),
    Key("n,>", "hit(1)", "next search hit (or query match), wrapping at the end", group="Finding"),
    Key("N,<", "hit(-1)", "previous search hit (or query match)", group="Finding"),
    Key(
        "ctrl+f",
        "query",
        "query filter: segments where your codes meet, across documents",
        "",
        group="Finding",
    ),
    Key("C", "code_view", "code view: every segment with a code", group="Finding"),
    Key("A", "compare", "compare coders on this document", group="Finding"),
    Key("B", "chart", "bar chart of your code frequencies", "", "Finding", "Chart: your code frequencies"),
    Key(
        "K",
        "agreement",
        "inter-coder agreement for the project (not blind)",
        "",
        "Finding",
        "Agreement between coders, for the project (not blind)",
    ),
    Key("escape", "cancel", "leave visual mode / clear the search (an empty search too)", group="Other"),
    Key(
        "ctrl+d",
        "documents",
        "documents pane: show and focus it, or hide it on a narrow screen",
        "Docs",
        "Moving",
        "Documents pane: show and focus it (on a narrow screen, in the codebook's place)",
    ),
    Key("F", "focus_mode", "focus mode: transcript only", group="Other"),
    Key("T", "theme", "dark / light theme", "", "Other", "Theme: dark / light"),
    Key("S", "toggle_suggestions", "show / hide code suggestions", "", "Other", "Suggestions: show / hide"),
    Key("?", "help", "this help", "Help", "Other", "Help: every key and code hotkey"),
    Key("q", "quit", "quit (everything is already saved)", "Quit", group="Other"),
)

#: Keys of the app itself.
APP_KEYS: tuple[Key, ...] = (
    Key("ctrl+p", "", "command palette: every command, document and code", group="Finding"),
)


#: Footer labels shown first, so a narrow terminal never cuts them off.
FOOTER_FIRST = ("Help", "Quit")


def bindings(keys: tuple[Key, ...]) -> list[Binding]:
    """Textual bindings for a key table (footer shows the ones with a footer label, help and quit first)."""
    first = [k for label in FOOTER_FIRST for k in keys if k.footer == label]
    ordered = [*first, *(k for k in keys if k not in first)]
    return [Binding(k.keys, k.action, k.footer or k.help, show=bool(k.footer)) for k in ordered if k.action]


def printable_keys() -> set[str]:
    """Every single printable character the coding screen binds (must all be reserved)."""
    out: set[str] = set()
    for k in (*MOVE_KEYS, *SCREEN_KEYS):
        for key in k.keys.split(","):
            if len(key) == 1:
                out.add(key)
            elif key == "space":
                out.add(" ")
    return out
