"""`qcode report matrix` on a terminal: the table as it is where it fits, else blocks a reader can follow.

A matrix wider than the terminal used to be squeezed by Rich until code names read ``…`` and counts
vanished. Where it does not fit, long column headers become their column number (``#19``) with a legend
under the table, and the columns are cut into blocks that each fit, every block repeating the code
column, so every count stays beside its code and its column. CSV output never comes here.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.columns import Columns
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

#: A code column wider than this wraps its names rather than leave no room for counts.
MAX_LABEL = 30


def matrix_view(console: Console, title: str, rows: Sequence[Sequence[str | int]]) -> RenderableType:
    """The matrix ``rows`` (header first) as one table if it fits ``console``, else numbered blocks."""
    header = [str(h) for h in rows[0]]
    body = [list(row) for row in rows[1:]]
    whole = _table(header, body, title=title)
    natural = Measurement.get(console, console.options.update_width(1_000_000), whole).maximum
    if natural <= console.width:
        return whole
    values = [max((len(str(row[i])) for row in body), default=0) for i in range(len(header))]
    short = [h if not i or len(h) <= max(len(f"#{i}"), values[i]) else f"#{i}" for i, h in enumerate(header)]
    cells = [max([len(short[i]), *(len(str(row[i])) for row in body)]) for i in range(len(header))]
    parts: list[RenderableType] = []
    blocks = _blocks(cells, console.width)
    for n, block in enumerate(blocks):
        columns = [0, *block]
        caption = f"columns {block[0]}–{block[-1]} of {len(header) - 1}" if len(blocks) > 1 else None
        parts.append(
            _table(
                [short[i] for i in columns],
                [[row[i] for i in columns] for row in body],
                title=title if n == 0 else None,
                caption=caption,
                label_width=min(cells[0], MAX_LABEL),
            )
        )
    legend = [Text(f"#{i} {h}") for i, h in enumerate(header) if i and short[i] != h]
    if legend:
        parts.append(Columns(legend, padding=(0, 2)))
    return Group(*parts)


def _blocks(cells: Sequence[int], width: int) -> list[list[int]]:
    """The count columns (1-based) cut into as few runs as fit ``width`` beside the code column, of
    about the same number of columns each (22 columns in two blocks are 11 and 11, not 20 and 2)."""
    greedy = _runs(cells, width, len(cells))
    even = _runs(cells, width, -(-(len(cells) - 1) // len(greedy)))
    return even if len(even) == len(greedy) else greedy


def _runs(cells: Sequence[int], width: int, most: int) -> list[list[int]]:
    label = min(cells[0], MAX_LABEL) + 3  # padding either side and the border after it
    blocks: list[list[int]] = [[]]
    used = 1 + label
    for i in range(1, len(cells)):
        need = cells[i] + 3
        if blocks[-1] and (used + need > width or len(blocks[-1]) >= most):
            blocks.append([])
            used = 1 + label
        blocks[-1].append(i)
        used += need
    return blocks


def _table(
    header: Sequence[str],
    body: Sequence[Sequence[str | int]],
    *,
    title: str | None,
    caption: str | None = None,
    label_width: int | None = None,
) -> Table:
    """One Rich table: the code column, then counts right-aligned with zeros dimmed.

    ``label_width`` (in blocks) caps the code column and keeps counts on one line each.
    """
    table = Table(*header, title=title, caption=caption)
    if label_width is not None:
        table.columns[0].max_width = label_width
        table.columns[0].overflow = "fold"
    for column in table.columns[1:]:
        column.justify = "right"
        column.no_wrap = label_width is not None
    for row in body:
        table.add_row(*(str(c) if c != 0 else "[dim]0[/dim]" for c in row))
    return table
