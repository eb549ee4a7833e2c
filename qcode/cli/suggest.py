"""`qcode suggest`: code suggestions for a coder's uncoded segments, each with its reasons."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qcode.cli.common import JsonOption, print_json, reading
from qcode.config import CODER_ENV
from qcode.errors import InputError

if TYPE_CHECKING:
    from qcode.suggest.service import SegmentSuggestions

#: Width of the printed lines (the segment's text is wrapped to it).
WIDTH = 100


def suggest(
    coder: Annotated[
        str | None,
        typer.Option("--coder", help=f"Whose codings the suggestions learn from (default: ${CODER_ENV})."),
    ] = None,
    document: Annotated[
        list[str] | None,
        typer.Option("--document", "-d", help="Only this document (repeat for several; default: all)."),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Suggest codes for the segments a coder has not coded, from the codebook and their own codings.

    Computed here, with no network; each suggestion says why (a codebook keyword, words shared with
    the codebook entry, or the most similar segment this coder gave the code). Nothing is coded:
    review them, or accept them one key at a time in the coding screen.
    """
    from qcode.cli.tui import resolve_coder
    from qcode.suggest.service import coder_named, documents_named, suggest_uncoded

    name = resolve_coder(coder)
    if name is None:
        raise InputError(f"say whose suggestions: --coder NAME (or set ${CODER_ENV})")
    with reading() as session:
        who = coder_named(session, name)
        found = suggest_uncoded(session, who, documents_named(session, document))
    if json_:
        print_json([_as_json(s) for s in found])
        return
    for item in found:
        _print(item)


def _as_json(item: SegmentSuggestions) -> dict[str, Any]:
    return {
        "document": item.document,
        "segment": item.ordinal,
        "text": item.text,
        "suggestions": [
            {
                "code": s.code,
                "name": s.name,
                "score": s.score,
                "reasons": [
                    {
                        "kind": r.kind,
                        "detail": r.detail,
                        "document": r.document,
                        "segment": r.ordinal,
                        "similarity": r.similarity,
                        "in_passage": r.in_passage,
                        "text": r.describe(),
                    }
                    for r in s.reasons
                ],
            }
            for s in item.suggestions
        ],
    }


def _print(item: SegmentSuggestions) -> None:
    head = f"{item.document} {item.ordinal}  "
    lines = textwrap.wrap(item.text, WIDTH - len(head)) or [""]
    typer.echo(head + lines[0])
    for line in lines[1:]:
        typer.echo(" " * len(head) + line)
    for s in item.suggestions:
        why = " · ".join(r.describe() for r in s.reasons)
        typer.echo(f"    → {s.name} ({s.score:.2f})  {why}")
