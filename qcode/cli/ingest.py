"""`qcode import`, `qcode documents` and `qcode duplicates`."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qcode.cli.common import (
    JsonOption,
    actor,
    creating_unit_of_work,
    echo_err,
    paused_collector,
    print_json,
    progress,
    reading,
)
from qcode.text import plural

if TYPE_CHECKING:
    from qcode.ingest.service import ImportReport, PassageText
    from qcode.ingest.types import ParsedTranscript

#: Imports of at least this many bytes of files show a progress bar (on stderr).
PROGRESS_BYTES = 1_000_000
#: `qcode documents` leaves out of its table attributes with longer values (they are in --json).
TABLE_VALUE_CHARS = 30
_MIB = 1024 * 1024
_COUNTS = ("passages", "segments", "words")


class SegmentMode(StrEnum):
    """How transcripts are cut into coding units."""

    sentence = "sentence"
    paragraph = "paragraph"
    passage = "passage"


def import_(
    paths: Annotated[list[Path], typer.Argument(help="Transcript files or folders (.md, .txt, .docx).")],
    segment: Annotated[SegmentMode, typer.Option("--segment", help="Unit of coding.")] = SegmentMode.sentence,
    replace: Annotated[
        bool, typer.Option("--replace", help="Re-import changed files, carrying their codings over.")
    ] = False,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Text encoding of non-UTF-8 files, e.g. cp1252.")
    ] = None,
    max_mb: Annotated[
        int, typer.Option("--max-mb", min=1, help="Largest transcript file accepted, in MiB.")
    ] = 64,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of the testimony (en, es, ko, zh…); detected if not given."),
    ] = None,
) -> None:
    """Import transcripts (or a REFI-QDA .qdpx project): all or nothing; unchanged files are skipped."""
    if any(_is_project_file(p) for p in paths):
        _import_projects(paths, segment.value)
        return
    with paused_collector():
        _import_files(paths, segment, replace, encoding, max_mb, lang)


def _import_files(
    paths: list[Path],
    segment: SegmentMode,
    replace: bool,
    encoding: str | None,
    max_mb: int,
    lang: str | None,
) -> None:
    from qcode.ingest.formats import collect_paths
    from qcode.stack import preload

    files = collect_paths(paths)
    with progress(show=_total_bytes(files) >= PROGRESS_BYTES) as bar:
        parsed = [_read(p, encoding, max_mb * _MIB, lang) for p in bar.track(files, "reading")]
        preload("qcode.ingest.service")  # SQLAlchemy and the models, once the files are read
        from qcode.ingest.service import import_transcripts
        advance = bar.start("importing", sum(len(t.passages) for t in parsed))
        with creating_unit_of_work() as session:
            report = import_transcripts(
                session, parsed, mode=segment.value, replace=replace, progress=advance, actor=actor()
            )
    _print_report(report)


def _is_project_file(path: Path) -> bool:
    """A REFI-QDA project, known by its extension or its content (a zip holding project.qde).

    A file that does not start as a zip is not read further (nor the REFI-QDA reader loaded).
    """
    if not path.is_file():
        return False
    if path.suffix.lower() != ".qdpx":
        try:
            with path.open("rb") as fh:
                if fh.read(2) != b"PK":
                    return False
        except OSError:
            return False
    from qcode.exchange.qdpx_read import is_qdpx

    return is_qdpx(path)


def _import_projects(paths: list[Path], segment: str) -> None:
    """`qcode import FILE.qdpx`: one project file per run, so the run stays one transaction."""
    from qcode.cli.exchange import run_qdpx_import
    from qcode.errors import InputError

    if len(paths) != 1:
        raise InputError("import a .qdpx project on its own, one per run", path=str(paths[0]))
    run_qdpx_import(paths[0], segment)


def _read(path: Path, encoding: str | None, max_bytes: int, lang: str | None) -> ParsedTranscript:
    """Read one file; its ``source_path`` is the file itself, so messages name the file."""
    from dataclasses import replace

    from qcode.ingest.formats import read_file

    t = read_file(path, encoding=encoding, max_bytes=max_bytes, language=lang)
    if t.encoding:
        echo_err(f"{path}: not UTF-8; read as {t.encoding} (detected; pass --encoding to choose)")
    if t.language and t.language != "en" and not lang:
        echo_err(f"{path}: language {t.language} (detected; pass --lang to choose)")
    return t if t.source_path == str(path) else replace(t, source_path=str(path))


def _total_bytes(files: Iterable[Path]) -> int:
    total = 0
    for p in files:
        with suppress(OSError):  # read_file names the file and the reason
            total += p.stat().st_size
    return total


def _print_report(report: ImportReport) -> None:
    if report.skipped:
        names = ", ".join(report.skipped)
        echo_err(f"skipped {len(report.skipped)} already imported with the same content: {names}")
    for copy, original in report.copies:
        echo_err(f"{copy}: the same file as document {original!r} (imported too; see `qcode duplicates`)")
    for u in report.unplaced:
        what = f"coding {u.code!r}" if u.code else "memo"
        echo_err(f"could not place {what} of {u.coder} on {u.document} segment {u.segment}: {u.text[:60]!r}")
    carried = f"{plural(report.carried, 'coding or memo', 'codings and memos')} carried over"
    if report.moved:
        carried += f" ({report.moved} to a moved or edited sentence)"
    merged = f", {report.merged} merged into an identical one (memos kept)" if report.merged else ""
    typer.echo(
        f"imported {len(report.imported)}, replaced {len(report.replaced)}, skipped {len(report.skipped)} "
        f"documents; {plural(report.segments, 'segment')}; {carried}{merged},"
        f" {len(report.unplaced)} not placed"
    )


def documents(json_: JsonOption = False) -> None:
    """List documents with their attributes and counts of passages, segments and words."""
    from dataclasses import asdict

    from qcode.ingest.service import document_summaries

    with reading() as session:
        docs = document_summaries(session)
    if json_:
        print_json([asdict(d) for d in docs])
        return
    from rich.console import Console
    from rich.table import Column, Table

    keys = list(docs[0].attributes) if docs else []
    short = [k for k in keys if max(len(d.attributes[k]) for d in docs) <= TABLE_VALUE_CHARS]
    # the language column only where a document is not in English (the JSON always has it)
    lang = ["lang"] if any(d.language not in ("", "en") for d in docs) else []
    table = Table(Column("name", no_wrap=True), *(Column(h, justify="right") for h in _COUNTS), *lang, *short)
    for d in docs:
        counts = (str(d.passages), str(d.segments), str(d.words))
        table.add_row(d.name, *counts, *([d.language] if lang else []), *(d.attributes[k] for k in short))
    Console().print(table)
    if len(short) < len(keys):
        omitted = ", ".join(k for k in keys if k not in short)
        echo_err(f"longer attributes ({omitted}) are shown with --json")


def duplicates(
    threshold: Annotated[
        float, typer.Option("--threshold", min=0, max=100, help="Lowest rapidfuzz score reported (0-100).")
    ] = 80.0,
    json_: JsonOption = False,
) -> None:
    """List pairs of near-duplicate passages: whole, contained or partial matches, with both locations."""
    from qcode.ingest.duplicates import find_duplicates
    from qcode.ingest.service import passage_texts

    with reading() as session:
        passages = passage_texts(session)
    by_key = {p.key: p for p in passages}
    pairs = find_duplicates([(p.key, p.text) for p in passages], threshold=threshold)
    rows: list[dict[str, Any]] = [
        {"score": p.score, "kind": p.kind, "a": _where(by_key[p.a_key]), "b": _where(by_key[p.b_key])}
        for p in pairs
    ]
    if json_:
        print_json(rows)
        return
    for r in rows:
        typer.echo(f"{r['score']:5.1f}  {r['kind']:<9}  {_place(r['a'])}  ~  {_place(r['b'])}")
    typer.echo(f"{plural(len(rows), 'pair')} at threshold {threshold:g}")


def _where(p: PassageText) -> dict[str, Any]:
    return {"document": p.document, "passage": p.passage, "section": p.section, "lines": p.lines}


def _place(where: dict[str, Any]) -> str:
    lines = f", lines {where['lines']}" if where["lines"] else ""
    section = f" {where['section']}" if where["section"] else ""
    return f"{where['document']} passage {where['passage']}{lines}{section and ' ·'}{section}"
