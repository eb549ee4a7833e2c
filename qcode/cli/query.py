"""`qcode query`: the segments a query selects, with their document, attributes and codes."""

from __future__ import annotations

import shutil
import textwrap
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qcode.cli.common import JsonOption, echo_err, print_json, reading
from qcode.cli.findings import WhereOption, where_list
from qcode.text import plural

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
    with reading() as session:
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
    what = f" match{'es' * (hits.total == 1)} {expression!r}" if expression else ""
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


def words(
    code: Annotated[
        list[str] | None, typer.Option("--code", help="Segments coded with this code (repeat: any of them).")
    ] = None,
    query_: Annotated[
        str | None, typer.Option("--query", "-q", help="Segments this query selects (docs/queries.md).")
    ] = None,
    where: WhereOption = None,
    coders: CodersOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many words to list.")] = 20,
    min_count: Annotated[
        int, typer.Option("--min-count", min=1, help="Distinctive words need at least this many uses.")
    ] = 3,
    kwic_word: Annotated[
        str | None,
        typer.Option("--kwic", help="Keyword-in-context lines for this word (wage* for any ending)."),
    ] = None,
    width: Annotated[int, typer.Option("--width", min=10, help="Characters of context each side.")] = 40,
    json_: JsonOption = False,
) -> None:
    """Most frequent and most distinctive words of the selected segments, or keyword in context."""
    from qcode.export.service import resolve_filter
    from qcode.query.language import CodeTerm, unparse
    from qcode.query.service import resolve_scope

    terms = " OR ".join(unparse(CodeTerm(c)) for c in _split(code))
    expression = f"({terms}) AND ({query_})" if terms and query_ else terms or query_
    conditions = where_list(where)
    with reading() as session:
        coder_ids = resolve_filter(session, _split(coders)).coder_ids
        scope = resolve_scope(session, expression or None, conditions, coder_ids)
        if kwic_word is not None:
            _print_kwic(session, scope, kwic_word, width, json_)
            return
        from qcode.words.service import word_counts

        counts = word_counts(session, scope)
    _print_words(counts, expression, conditions, top, min_count, json_)


def _describe(expression: str | None, conditions: list[str]) -> str:
    parts = ([f"matching {expression!r}"] if expression else []) + [f"where {c}" for c in conditions]
    return "segments " + " ".join(parts) if parts else "every segment"


def _print_kwic(session: Any, scope: Any, word: str, width: int, json_: bool) -> None:
    from qcode.words.kwic import kwic
    from qcode.words.service import segment_texts

    lines = kwic(segment_texts(session, scope), word, width=width)
    if json_:
        print_json([vars(line) for line in lines])
        return
    place = max((len(f"{x.document}:{x.segment}") for x in lines), default=0)
    for x in lines:
        typer.echo(f"{f'{x.document}:{x.segment}':<{place}}  {x.left:>{width}}[{x.keyword}]{x.right}")
    echo_err(f"{len(lines)} use{'s' * (len(lines) != 1)} of {word!r}")


def _print_words(
    counts: Any, expression: str | None, conditions: list[str], top: int, min_count: int, json_: bool
) -> None:
    from qcode.words.keyness import distinctive, frequent

    selected = bool(expression or conditions)
    common = frequent(counts.target, top)
    keys = distinctive(counts.target, counts.reference, min_count=min_count, top=top) if selected else []
    if json_:
        print_json(
            {
                "selection": _describe(expression, conditions),
                "segments": counts.target_segments,
                "words": sum(counts.target.values()),
                "reference_segments": counts.reference_segments,
                "reference_words": sum(counts.reference.values()),
                "frequent": [{"word": w, "count": n} for w, n in common],
                "distinctive": [vars(k) for k in keys],
            }
        )
        return
    from rich.console import Console
    from rich.table import Table

    n_words = sum(counts.target.values())
    title = (
        f"{_describe(expression, conditions)}: {plural(counts.target_segments, 'segment')},"
        f" {plural(n_words, 'word')}"
    )
    if selected:
        title += f"; against the other {plural(counts.reference_segments, 'segment')}"
    table = Table(title=title, title_justify="left")
    table.add_column("frequent")
    table.add_column("uses", justify="right")
    if selected:
        for name in ("distinctive", "here", "rest", "z"):
            table.add_column(name, justify="left" if name == "distinctive" else "right")
    for i in range(max(len(common), len(keys))):
        left = [common[i][0], str(common[i][1])] if i < len(common) else ["", ""]
        right = (
            [keys[i].word, str(keys[i].target), str(keys[i].reference), f"{keys[i].z:.2f}"]
            if i < len(keys)
            else []
        )
        table.add_row(*left, *(right or (["", "", "", ""] if selected else [])))
    Console().print(table)
    if selected:
        echo_err(
            "distinctive: log-odds with an informative Dirichlet prior (Monroe et al. 2008); z > 1.96 at 5%"
        )
