"""The import direction of STYLE.md, checked by importing each layer in a clean interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("spacy", "textual", "sqlalchemy", "numpy", "docx", "rich")
#: Also never loaded by ``qcode --help``: the query parser and the plotting library.
LAZY = ("lark", "matplotlib")

# layer module -> packages it must never pull in
RULES: dict[str, tuple[str, ...]] = {
    "qcode.errors": ("sqlalchemy", "typer", "textual", "spacy", "numpy"),
    "qcode.config": ("sqlalchemy", "typer", "textual", "spacy", "numpy"),
    "qcode.text": ("sqlalchemy", "typer", "textual", "spacy", "numpy", "rich", "qcode.store"),
    "qcode.kinds": ("sqlalchemy", "typer", "textual", "spacy", "numpy", "rich", "qcode.store"),
    "qcode.names": ("sqlalchemy", "qcode.store", "typer", "textual", "rich", "rapidfuzz"),
    "qcode.agreement": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.ingest.formats": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.ingest.report": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.ingest.segment": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.ingest.duplicates": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.codebook.schema": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.export.tables": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.export.quotebook": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    # the long export of a SQLite project runs on sqlite3 alone (SQLAlchemy is most of its start-up)
    "qcode.export.shape": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.export.direct": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    # other programs' formats: the parsers and writers are pure, the services reach no front end
    "qcode.exchange.qdc": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.exchange.qdpx_write": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.exchange.qdpx_read": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.exchange.qdpx_offsets": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.exchange.qdpx_import": ("textual", "typer", "rich", "qcode.tui", "qcode.cli"),
    "qcode.exchange.qdpx_export": ("textual", "typer", "rich", "qcode.tui", "qcode.cli"),
    "qcode.exchange.codings_csv": ("textual", "typer", "rich", "qcode.tui", "qcode.cli"),
    # transcript readers depend one way: reader → shared types and helpers, never the dispatcher
    "qcode.ingest.types": ("qcode.ingest.formats", "qcode.ingest.readers", "sqlalchemy", "yaml"),
    "qcode.ingest.readers.text": ("qcode.ingest.formats", "sqlalchemy", "qcode.store", "typer", "rich"),
    "qcode.ingest.readers.word": ("qcode.ingest.formats", "docx", "sqlalchemy", "qcode.store", "typer"),
    "qcode.ingest.transcript": ("qcode.ingest.formats", "qcode.ingest.readers", "sqlalchemy", "typer"),
    "qcode.teams.snapshot": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.teams.coderfile": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.coding.roles": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.teams.merge": ("textual", "typer", "rich", "qcode.tui", "qcode.cli"),
    "qcode.query.language": ("sqlalchemy", "qcode.store", "textual", "typer", "rich", "lark"),
    "qcode.query.where": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.query.service": ("textual", "typer", "rich", "qcode.tui", "qcode.cli", "lark"),
    "qcode.export.pseudonym": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.export.figures": ("sqlalchemy", "qcode.store", "textual", "typer", "rich", "matplotlib", "numpy"),
    "qcode.words.keyness": ("sqlalchemy", "qcode.store", "textual", "typer", "rich", "spacy"),
    "qcode.words.kwic": ("sqlalchemy", "qcode.store", "textual", "typer", "rich", "spacy"),
    "qcode.words.service": ("textual", "typer", "rich", "qcode.tui", "qcode.cli", "spacy"),
    "qcode.codebook.document": ("sqlalchemy", "qcode.store", "textual", "typer", "rich", "docx"),
    "qcode.coding.service": ("textual", "typer", "rich", "qcode.tui", "qcode.cli"),
    "qcode.codebook.service": ("textual", "typer", "rich", "qcode.tui", "qcode.cli"),
    "qcode.ingest.service": ("textual", "typer", "rich", "qcode.tui", "qcode.cli"),
    # the first screen is drawn before SQLAlchemy loads (qcode.tui.access opens the store later)
    "qcode.tui.app": ("qcode.cli", "sqlalchemy", "qcode.store.models", "qcode.coding.service"),
    "qcode.coding.queries": ("sqlalchemy", "textual", "typer", "rich"),
    # the coding screen's toggle on SQLite, written before SQLAlchemy loads
    "qcode.coding.sqlite_toggle": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.store.probe": ("sqlalchemy", "textual", "typer", "rich"),
    "qcode.cli.tui": ("sqlalchemy", "textual", "spacy", "numpy"),
    "qcode.store.models": (
        "qcode.ingest",
        "qcode.codebook",
        "qcode.coding",
        "qcode.tui",
        "qcode.cli",
        "textual",
    ),
    "qcode.store.migrate": (
        "qcode.ingest",
        "qcode.codebook",
        "qcode.coding",
        "qcode.tui",
        "qcode.cli",
        "textual",
    ),
    "qcode.suggest.model": ("sqlalchemy", "qcode.store", "textual", "typer", "rich", "numpy"),
    "qcode.suggest.service": ("sqlalchemy", "qcode.store", "textual", "typer", "rich", "qcode.tui"),
    "qcode.cli.suggest": ("sqlalchemy", "textual", "qcode.suggest", "qcode.store"),
    "qcode.cli.main": ("spacy", "textual", "sqlalchemy", "numpy", "qcode.tui", "qcode.store"),
}


def _loaded_after_import(module: str) -> set[str]:
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


@pytest.mark.parametrize("module", sorted(RULES))
def test_layer_imports_only_what_it_may(module: str) -> None:
    loaded = _loaded_after_import(module)
    for banned in RULES[module]:
        hits = sorted(m for m in loaded if m == banned or m.startswith(banned + "."))
        assert not hits, f"{module} imports {banned}: {hits[:5]}"


def test_widgets_and_tui_never_touch_the_store_directly() -> None:
    """Widgets get data as attributes; only tui.access reaches the store."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent / "qcode" / "tui" / "widgets"
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert "sqlalchemy" not in source and "qcode.store" not in source, path


def test_help_loads_no_heavy_module() -> None:
    code = (
        "import sys; sys.argv=['qcode','--help']\n"
        "from qcode.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', [m for m in {(*HEAVY[:4], *LAZY)!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("LOADED []"), out[-300:]


def _imports_in(package: str) -> dict[str, set[str]]:
    """Every module each file of ``package`` imports (at any depth: lazy imports count too)."""
    import ast
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent / package.replace(".", "/")
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path)] = names
    return found


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_export_never_imports_exchange() -> None:
    """Exchange with other programs builds on the export writers, not the other way round."""
    for path, modules in _imports_in("qcode.export").items():
        assert not any(_under(m, "qcode.exchange") for m in modules), path


def test_transcript_readers_never_import_the_dispatcher_or_the_service() -> None:
    """Each reader → shared types (``qcode.ingest.types``), so no import cycle can form among them."""
    for path, modules in _imports_in("qcode.ingest.readers").items():
        for banned in ("qcode.ingest.formats", "qcode.ingest.service", "qcode.store"):
            assert not any(_under(m, banned) for m in modules), f"{path} imports {banned}"
