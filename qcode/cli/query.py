"""`qcode query`: the segments a query selects, with their document, attributes and codes."""

from __future__ import annotations

import shutil
import textwrap
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qcode.cli.common import JsonOption, echo_err, print_json, unit_of_work
from qcode.cli.findings import WhereOption, where_list

if TYPE_CHECKING:
    from qcode.query.service import Hit

CodersOption = Annotated[
    list[str] | None,
    typer.Option("--coders", help="Codes as these coders applied them (comma-separated or repeated)."),
]


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or () for v in item.split(",") if v.strip()]


def query(
    expression: Annotated[
        str | None,
        typer.Argument(
            metavar="QUERY",
            help="Codes joined by AND, OR, NOT, NEAR/N, NEAR/passage and parentheses (docs/queries.md).",
        ),
    ] = None,
    where: WhereOption = None,
    coders: CodersOption = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Show at most this many segments.")
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Segments where codes meet: `qcode query "bribery AND NOT remittance" --where gender=Female`."""
    from qcode.errors import InputError
    from qcode.export.service import resolve_filter
    from qcode.query.service import find_segments, resolve_scope

    conditions = where_list(where)
    if not expression and not conditions:
        raise InputError("give a query (e.g. 'bribery AND hours') or a --where condition, or both")
    with unit_of_work() as session:
        coder_ids = resolve_filter(session, _split(coders)).coder_ids
        scope = resolve_scope(session, expression, conditions, coder_ids)
        assert scope is not None
        hits = find_segments(session, scope, coder_ids)
        shown = _collect(hits.pages, limit)
    if json_:
        print_json(
            {
                "query": expression,
                "where": conditions,
                "total": hits.total,
                "shown": len(shown),
                "segments": [_json(h) for h in shown],
            }
        )
        return
    width = min(shutil.get_terminal_size().columns, 100)
    for hit in shown:
        typer.echo(_text(hit, width))
    what = f" match {expression!r}" if expression else ""
    where_text = f" where {' and '.join(conditions)}" if conditions else ""
    more = f" (showing {len(shown)})" if len(shown) < hits.total else ""
    echo_err(f"{hits.total} segment{'s' * (hits.total != 1)}{what}{where_text}{more}")


def _collect(pages: Any, limit: int | None) -> list[Hit]:
    out: list[Hit] = []
    for page in pages:
        out.extend(page)
        if limit is not None and len(out) >= limit:
            pages.close()
            return out[:limit]
    return out


def _codes(hit: Hit) -> str:
    grouped: dict[str, list[str]] = {}
    for code, coder in hit.codes:
        grouped.setdefault(code, []).append(coder)
    return "; ".join(f"{code} ({', '.join(who)})" for code, who in grouped.items()) or "no codes"


def _text(hit: Hit, width: int) -> str:
    attrs = ", ".join(v for k, v in hit.attributes.items() if v and k != "note")
    head = f"{hit.document} · segment {hit.segment} · passage {hit.passage}" + (
        f" · {attrs}" if attrs else ""
    )
    body = textwrap.fill(
        " ".join(hit.text.split()), width=width, initial_indent="    ", subsequent_indent="    "
    )
    return f"{head}\n    {_codes(hit)}\n{body}\n"


def _json(hit: Hit) -> dict[str, Any]:
    return {
        "document": hit.document,
        "attributes": hit.attributes,
        "passage": hit.passage,
        "section": hit.section,
        "segment": hit.segment,
        "start": hit.start,
        "end": hit.end,
        "text": hit.text,
        "codes": [{"code": code, "coder": coder} for code, coder in hit.codes],
    }
