"""The coding screen's status line: parts by rank, fitted to the terminal's width. Pure."""

from __future__ import annotations

from collections.abc import Mapping

#: A part of the status line and its rank: on a narrow screen the highest ranks go first.
StatusPart = tuple[str, int]
#: The fewest characters the project is named in, on a narrow status line, before it gives way.
SHORTEST_PROJECT = 24
#: Said shorter when even the parts of rank 0 do not fit (``segment 3/7`` → ``3/7``).
SHORTER = (("segment ", ""), (" (n N)", ""))


def fit_status(parts: list[StatusPart], width: int, shorter: Mapping[str, str] | None = None) -> str:
    """`` A · segment 3/7 · coded 2/7 · coder alice``: parts dropped, highest rank first, until it fits.

    A part with a shorter form in ``shorter`` (``project ~/nk/qcode.db`` → ``~/nk/qcode.db``) is
    said shorter before it goes. Where even the parts of rank 0 do not fit, the last part (the latest
    word, such as why a change was not saved) is kept whole and the ones before it go, first to last.
    """
    kept = list(parts)
    shorter = shorter or {}

    def line() -> str:
        return " " + " · ".join(text for text, _ in kept)

    while len(line()) > width and any(rank for _, rank in kept):
        worst = max(range(len(kept)), key=lambda i: (kept[i][1], i))
        text, rank = kept[worst]
        if text in shorter:
            kept[worst] = (shorter[text], rank)
        else:
            kept.pop(worst)
    for long, short in SHORTER:
        if len(line()) > width:
            kept = [(text.replace(long, short, 1), rank) for text, rank in kept]
    while len(line()) > width and len(kept) > 1:
        kept.pop(0)
    return line()


def project_shorter(part: str, url: str) -> dict[str, str]:
    """``project HOST:PORT/DATABASE`` → ``HOST:PORT/DATABASE`` → ``DATABASE`` (a file: its folder and
    name, ``nk/qcode.db``), for :func:`fit_status`."""
    if not part:
        return {}
    label = part.removeprefix("project ")
    pieces = label.split("/")
    last = "/".join(pieces[-2:]) if url.startswith("sqlite") else pieces[-1]
    if len(last) > SHORTEST_PROJECT:
        last = "…" + last[-(SHORTEST_PROJECT - 1) :]
    chain = {part: label}
    if last and last != label:
        chain[label] = last
    return chain
