"""The entry point builds only the command it runs; help and unknown names keep the whole table."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from qcode.cli.main import app, only


def _names(t: typer.Typer) -> list[str]:
    return [c.name or (c.callback.__name__ if c.callback else "") for c in t.registered_commands] + [
        g.name or "" for g in t.registered_groups
    ]


def test_a_command_or_a_group_command_is_all_that_is_built() -> None:
    whole = _names(app)
    assert _names(only(app, ["--db", "x.db", "import", "a.txt"])) == ["import"]
    pruned = only(app, ["--debug", "--db=x", "export", "segments", "--out", "-"])
    assert _names(pruned) == ["export"]
    export = pruned.registered_groups[0].typer_instance
    assert export is not None and _names(export) == ["segments"]
    assert _names(app) == whole  # the module's own table is untouched
    original = next(g.typer_instance for g in app.registered_groups if g.name == "export")
    assert original is not None and len(_names(original)) > 1


@pytest.mark.parametrize(
    "args",
    [[], ["--help"], ["--version"], ["--db", "export"], ["exprt", "segments"], ["-h", "export"]],
)
def test_help_version_and_unknown_names_keep_every_command(args: list[str]) -> None:
    assert only(app, args) is app


def test_a_group_keeps_its_commands_for_its_help_and_for_typos() -> None:
    for args in (["export"], ["export", "--help"], ["export", "segmnts"]):
        group = only(app, args).registered_groups[0].typer_instance
        assert group is not None and len(group.registered_commands) > 1


def test_the_installed_entry_point_still_suggests_and_helps() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        code = f"import sys; sys.argv = ['qcode', *{list(args)!r}]\nfrom qcode.cli.main import main\nmain()"
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    typo = run("export", "segmnts")
    assert typo.returncode == 2 and "Did you mean 'segments'?" in typo.stderr
    sub_help = run("export", "segments", "--help")
    assert sub_help.returncode == 0 and "--wide" in sub_help.stdout


def test_the_entry_point_freezes_the_heap_before_the_last_collection() -> None:
    # an exit handler registered before main() runs after main's own (last in, first out)
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        "sys.argv = ['qcode', '--version']\n"
        "from qcode.cli.main import main\n"
        "main()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "frozen True"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (["import", "x.docx", "--db", "y.db"], ["--db", "y.db", "import", "x.docx"]),
        (
            ["export", "segments", "--db=y.db", "--out", "-", "--debug"],
            ["--db=y.db", "--debug", "export", "segments", "--out", "-"],
        ),
        (["--db", "y.db", "status"], ["--db", "y.db", "status"]),
        (["query", "--", "--db", "x"], ["query", "--", "--db", "x"]),
        (["status", "--db"], ["status", "--db"]),  # no value: left for the parser to refuse
    ],
)
def test_root_options_may_follow_the_command(typed: list[str], read: list[str]) -> None:
    from qcode.cli.main import root_options_first

    assert root_options_first(typed) == read


def test_the_installed_command_takes_db_after_the_command(tmp_path: object) -> None:
    from pathlib import Path

    db = Path(str(tmp_path)) / "late.db"
    made = subprocess.run(
        [sys.executable, "-m", "qcode", "init", "--db", str(db)], capture_output=True, text=True, check=False
    )
    assert made.returncode == 0, made.stderr
    assert db.exists()
    shown = subprocess.run(
        [sys.executable, "-m", "qcode", "status", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0 and "documents     0" in shown.stdout, shown.stdout + shown.stderr
