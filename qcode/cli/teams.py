"""`qcode merge`, `qcode export coder`: coders working apart, brought together.

Thin wrappers over :mod:`qcode.teams`; everything heavy is imported inside the commands.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qcode.cli.common import JsonOption, actor, print_json, reading, state, unit_of_work
from qcode.errors import InputError
from qcode.text import plural

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qcode.teams.adjudicate import Adjudication
    from qcode.teams.merge import MergeReport


def merge(
    other: Annotated[
        str,
        typer.Argument(
            help="Another copy of the project (a qcode .db file or a database URL), or a coder file (.json).",
            metavar="OTHER",
        ),
    ],
    same_coder: Annotated[
        list[str] | None,
        typer.Option(
            "--same-coder", help="Their coder NAME is our coder NAME (the same person).", metavar="NAME"
        ),
    ] = None,
    rename_coder: Annotated[
        list[str] | None,
        typer.Option(
            "--rename-coder",
            help="Bring their coder in under a new name (a different person).",
            metavar="THEIRS=NEW",
        ),
    ] = None,
    add_codes: Annotated[
        bool, typer.Option("--add-codes", help="Create codes they used that this codebook lacks.")
    ] = False,
    skip_unmatched: Annotated[
        bool,
        typer.Option(
            "--skip-unmatched", help="Leave out work on documents, segments or codes this project lacks."
        ),
    ] = False,
    prefer_memos: Annotated[
        str | None,
        typer.Option(
            "--prefer-memos",
            help="Memos edited on both sides: keep ours (here), take theirs (there), or keep both texts.",
            metavar="here|there|both",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    json_: JsonOption = False,
) -> None:
    """Bring in another copy's coders, codings, memos and events (all of it or, on conflicts, nothing)."""
    from qcode.config import database_url
    from qcode.teams.identity import parse_renames
    from qcode.teams.memo_edits import PREFER_MEMOS
    from qcode.teams.merge import MergeOptions, merge_snapshot
    from qcode.teams.source import load_source

    _refuse_self(other, database_url(state().db))
    if prefer_memos is not None and prefer_memos not in PREFER_MEMOS:
        raise InputError(f"--prefer-memos {prefer_memos}: expected one of {', '.join(PREFER_MEMOS)}")
    options = MergeOptions(
        tuple(same_coder or ()),
        parse_renames(rename_coder or ()),
        add_codes,
        skip_unmatched,
        dry_run,
        prefer_memos,
    )
    snap = load_source(other)  # read whole and closed before this project is written
    with unit_of_work() as session:
        report = merge_snapshot(session, snap, options, actor=actor())
    if json_:
        print_json(asdict(report))
    else:
        _print_merge(report)


def _refuse_self(other: str, here_url: str) -> None:
    if "://" in other and not other.startswith("sqlite:///"):
        same = other == here_url
    else:
        path = Path(other.removeprefix("sqlite:///")).expanduser().resolve()
        same = here_url == "sqlite:///" + str(path)
    if same:
        raise InputError(f"{other}: is this project itself; give another copy to merge")


def _print_merge(report: MergeReport) -> None:
    verb = "would merge" if report.dry_run else "merged"
    project = f" (project {report.project[:8]}…)" if report.project else ""
    if not report.changed:
        typer.echo(f"nothing to merge: everything in {report.where}{project} is here already")
        return
    typer.echo(f"{verb} {report.kind} {report.where}{project}:")
    for c in report.coders:
        parts = [f"+{plural(c.codings_added, 'coding')}"]
        if c.codings_removed:
            parts.append(f"-{c.codings_removed} removed there")
        if c.kept_removed:
            parts.append(f"{c.kept_removed} stay removed here")
        memos = c.memos_added + c.memos_changed + c.memos_removed
        if memos:
            parts.append(f"memos +{c.memos_added} ~{c.memos_changed} -{c.memos_removed}")
        typer.echo(f"  {c.name} ({c.how}): {', '.join(parts)}")
    if report.codes_added:
        typer.echo(f"  codes added: {', '.join(report.codes_added)}")
    typer.echo(f"  events: +{report.events_added}")
    for what, n in sorted(report.skipped.items()):
        typer.echo(f"  skipped: {_skipped(n, what)}")


def _skipped(n: int, what: str) -> str:
    """``1 coding on A``, ``2 memos on B``, ``work with code X (1 code)``: a line of the merge's skips."""
    head, _, rest = what.partition(" ")
    if head in ("codings", "memos"):
        return f"{plural(n, head[:-1])} {rest}"
    return f"{what} ({plural(n, 'code')})" if what.startswith("work with code") else f"{n} {what}"


def export_coder(
    name: Annotated[str, typer.Argument(help="The coder whose work to write.")],
    file: Annotated[Path, typer.Argument(help="The coder file to write (.json), or - for standard output.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """One coder's codings, memos, events and codebook as a small file that `qcode merge` accepts."""
    from qcode.export.files import check_target, open_output
    from qcode.teams.coderfile import write_coder_file
    from qcode.teams.source import coder_snapshot

    if str(file) != "-" and file.suffix.lower() != ".json":
        raise InputError("a coder file's name ends in .json (so `qcode merge` knows it)", path=str(file))
    check_target(file, force=force)
    with reading() as session:
        snap = coder_snapshot(session, name)
    with open_output(file, force=force, newline="\n") as fh:
        write_coder_file(snap, fh)
    counts = (
        f"{plural(len(snap.codings), 'coding')}, {plural(len(snap.memos), 'memo')}"
        f" and {plural(len(snap.events), 'event')}"
    )
    message = f"wrote {snap.coders[0].name}'s {counts} to {file}"
    typer.echo(message, err=str(file) == "-")


def coders(json_: JsonOption = False) -> None:
    """Every coder with their GUID (who they are across copies), role and work here."""
    from qcode.teams.identity import coder_summaries

    with reading() as session:
        rows = coder_summaries(session)
    if json_:
        print_json([asdict(r) for r in rows])
        return
    for r in rows:
        codings, memos = plural(r.codings, "coding"), plural(r.memos, "memo")
        typer.echo(f"{r.name:<20} {r.guid}  {r.role:<9} {codings:>15} {memos:>11}")


def adjudicate(
    coders: Annotated[
        list[str] | None,
        typer.Option(
            "--coders", help="Coders to compare, comma-separated (default: every coder with codings)."
        ),
    ] = None,
    codes: Annotated[
        list[str] | None, typer.Option("--codes", help="Only these codes (name or key), comma-separated.")
    ] = None,
    consensus: Annotated[
        str, typer.Option("--consensus", help="The consensus coder the decisions go to.")
    ] = "consensus",
    decisions: Annotated[
        Path | None,
        typer.Option("--decisions", help="CSV of decisions: document, segment, code, decision[, note]."),
    ] = None,
    prefer: Annotated[
        str | None, typer.Option("--prefer", help="Decide every case still open as this coder called it.")
    ] = None,
    write_cases: Annotated[
        Path | None, typer.Option("--write-cases", help="Write every case (and its decision so far) as CSV.")
    ] = None,
    status: Annotated[bool, typer.Option("--status", help="Only say how far adjudication is.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --write-cases file.")] = False,
) -> None:
    """Decide where coders differ into a consensus coder: on screen, from a CSV, or by --prefer CODER."""
    from qcode.teams.adjudicate import open_adjudication

    scripted = decisions is not None or prefer is not None or write_cases is not None or status
    if not scripted:
        _adjudicate_on_screen(_split(coders), _split(codes), consensus)
        return
    adjudicator = _adjudicator(consensus)
    if write_cases is not None:
        from qcode.export.files import check_target

        check_target(write_cases, force=force)
    writes = decisions is not None or prefer is not None
    with unit_of_work() if writes else reading() as session:
        adj = open_adjudication(
            session,
            coders=_split(coders),
            codes=_split(codes),
            consensus=consensus,
            actor=adjudicator,
            write=writes,
        )
        if decisions is not None:
            adj = _from_csv(session, adj, decisions, adjudicator)
        if prefer is not None:
            from qcode.teams.decide import prefer as by_rule

            adj, report = by_rule(session, adj, prefer, actor=adjudicator)
            left = f"; {report.left} left open ({prefer} did not code their documents)" if report.left else ""
            typer.echo(
                f"--prefer {prefer}: {report.decided} decided "
                f"({report.applied} applied, {report.omitted} omitted){left}"
            )
    if write_cases is not None:
        _write_cases(adj, write_cases, force=force)
    typer.echo(f"{adj.consensus.name} for {', '.join(adj.coders)}: {adj.progress}")


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _adjudicator(consensus: str) -> str:
    """Who decides, as the log and the decisions name them: the coder at this machine (``--coder``'s
    sources: ``$QCODE_CODER``, else the name remembered by the coding screen), else the consensus."""
    from qcode.cli.tui import resolve_coder

    return resolve_coder(None) or consensus


def _from_csv(session: Session, adj: Adjudication, path: Path, adjudicator: str) -> Adjudication:
    from qcode.teams.decide import decide
    from qcode.teams.decisions_csv import read_decisions_csv

    adj, report = decide(session, adj, read_decisions_csv(path, adj), actor=adjudicator)
    typer.echo(
        f"{path}: {report.decided} decided, {report.revised} revised, {report.unchanged} unchanged "
        f"({report.applied} applied, {report.omitted} omitted)"
    )
    return adj


def _write_cases(adj: Adjudication, path: Path, *, force: bool) -> None:
    from qcode.export.files import open_output
    from qcode.export.tables import write_csv
    from qcode.teams.decisions_csv import case_rows

    rows = case_rows(adj)
    header = next(rows)
    with open_output(path, force=force) as fh:
        n = write_csv(fh, header, [list(rows)])
    typer.echo(f"wrote {plural(n, 'case')} to {path}", err=str(path) == "-")


def _adjudicate_on_screen(coders: list[str] | None, codes: list[str] | None, consensus: str) -> None:
    """The adjudication screen (Textual, imported here so `qcode --help` stays quick)."""
    from qcode.cli.common import open_project
    from qcode.tui.access import ProjectAccess
    from qcode.tui.adjudication import AdjudicateApp, Settings

    access = ProjectAccess(open_project(), owns_store=True)
    try:
        app = AdjudicateApp(access, Settings(coders, codes, consensus, _adjudicator(consensus)))
        app.run()
    finally:
        access.close()
    if app.return_code:
        raise typer.Exit(app.return_code)


def log(
    coder: Annotated[
        str | None, typer.Option("--coder", help="Only what this coder did, or what was done to their work.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="From a date (2024-05-01), a time, or an age (3d, 12h, 30m)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="The newest N events (0: all).")] = 100,
    json_: JsonOption = False,
) -> None:
    """The event history: who did what, when (oldest first)."""
    from sqlalchemy import select

    from qcode.names import Names
    from qcode.project.log import parse_since, read_log
    from qcode.store.models import Coder

    start = parse_since(since) if since is not None else None
    with reading() as session:
        if coder is not None:
            names = [n for n in session.scalars(select(Coder.name))]
            if any(n.casefold() == coder.strip().casefold() for n in names):
                coder = Names("coder", [(n, n) for n in names]).find(coder)
        entries = read_log(session, coder=coder, since=start, limit=limit or None)
    if json_:
        print_json(
            [
                {
                    "guid": e.guid,
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "payload": dict(e.payload),
                }
                for e in entries
            ]
        )
        return
    width = max((len(e.actor) for e in entries), default=0)
    for e in entries:
        typer.echo(f"{e.at.astimezone().strftime('%Y-%m-%d %H:%M:%S')}  {e.actor:<{width}}  {e.text}")
    if limit and len(entries) == limit:
        typer.echo(f"(the newest {plural(limit, 'event')}; --limit 0 shows all)", err=True)
