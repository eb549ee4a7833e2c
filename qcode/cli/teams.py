"""`qcode merge`, `qcode export coder`: coders working apart, brought together.

Thin wrappers over :mod:`qcode.teams`; everything heavy is imported inside the commands.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qcode.cli.common import JsonOption, actor, print_json, state, unit_of_work
from qcode.errors import InputError

if TYPE_CHECKING:
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
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    json_: JsonOption = False,
) -> None:
    """Bring in another copy's coders, codings, memos and events (all of it or, on conflicts, nothing)."""
    from qcode.config import database_url
    from qcode.teams.identity import parse_renames
    from qcode.teams.merge import MergeOptions, merge_snapshot
    from qcode.teams.source import load_source

    _refuse_self(other, database_url(state().db))
    options = MergeOptions(
        tuple(same_coder or ()), parse_renames(rename_coder or ()), add_codes, skip_unmatched, dry_run
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
        parts = [f"+{c.codings_added} codings"]
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
        typer.echo(f"  skipped: {n} {what}")


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
    with unit_of_work() as session:
        snap = coder_snapshot(session, name)
    with open_output(file, force=force, newline="\n") as fh:
        write_coder_file(snap, fh)
    counts = f"{len(snap.codings)} codings, {len(snap.memos)} memos and {len(snap.events)} events"
    message = f"wrote {snap.coders[0].name}'s {counts} to {file}"
    typer.echo(message, err=str(file) == "-")


def coders(json_: JsonOption = False) -> None:
    """Every coder with their GUID (who they are across copies), role and work here."""
    from qcode.teams.identity import coder_summaries

    with unit_of_work() as session:
        rows = coder_summaries(session)
    if json_:
        print_json([asdict(r) for r in rows])
        return
    for r in rows:
        typer.echo(f"{r.name:<20} {r.guid}  {r.role:<9} {r.codings:>7} codings {r.memos:>5} memos")
