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
    "qcode.names": ("sqlalchemy", "qcode.store", "typer", "textual", "rich", "rapidfuzz"),
    "qcode.agreement": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.ingest.formats": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.ingest.report": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.ingest.segment": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.ingest.duplicates": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.codebook.schema": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.codebook.qdc": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.export.tables": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.export.quotebook": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.export.qdpx_write": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.export.qdpx_read": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.query.language": ("sqlalchemy", "qcode.store", "textual", "typer", "rich", "lark"),
    "qcode.query.where": ("sqlalchemy", "qcode.store", "textual", "typer", "rich"),
    "qcode.query.service": ("textual", "typer", "rich", "qcode.tui", "qcode.cli", "lark"),
    "qcode.coding.service": ("textual", "typer", "rich", "qcode.tui", "qcode.cli"),
    "qcode.codebook.service": ("textual", "typer", "rich", "qcode.tui", "qcode.cli"),
    "qcode.ingest.service": ("textual", "typer", "rich", "qcode.tui", "qcode.cli"),
    # the first screen is drawn before SQLAlchemy loads (qcode.tui.access opens the store later)
    "qcode.tui.app": ("qcode.cli", "sqlalchemy", "qcode.store.models", "qcode.coding.service"),
    "qcode.coding.queries": ("sqlalchemy", "textual", "typer", "rich"),
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
