"""Codes that come from another program's REFI-QDA project get hotkeys, so the coding screen applies them.

A .qdpx carries no hotkeys (only qcode's own layout member does): without one, a code could be applied
only through the picker. The import gives each new codable code a free key the way split and .qdc
codes get one, never a key the screen uses, and leaves the hotkeys of codes already there alone.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from qcode.cli.main import app as cli
from qcode.config import RESERVED_HOTKEYS
from qcode.store.migrate import open_store
from qcode.store.models import Code
from qcode.tui.app import QcodeApp
from tests.tui.harness import stored_codings

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()


def _ok(*args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def _foreign(tmp_path: Path) -> Path:
    """The hand-written project in another program's style (no qcode layout, so no hotkeys), zipped."""
    src = DATA / "qdpx-foreign"
    path = tmp_path / "foreign.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(src / "Project.qde", "Project.qde")
        for f in (src / "Sources").iterdir():
            zf.write(f, f"Sources/{f.name}")
    return path


def _hotkeys(db: Path) -> dict[str, tuple[str | None, bool]]:
    """Code name → (hotkey, codable), read afresh."""
    store = open_store(f"sqlite:///{db}")
    try:
        with store.sessions() as s:
            return {n: (h, c) for n, h, c in s.execute(select(Code.name, Code.hotkey, Code.codable))}
    finally:
        store.close()


def _check_keys(keys: dict[str, tuple[str | None, bool]]) -> None:
    """Every codable code has its own key, none the screen uses; codes coders do not apply have none."""
    given = [hotkey for hotkey, _codable in keys.values() if hotkey]
    assert len(given) == len(set(given)), keys
    for name, (hotkey, codable) in keys.items():
        assert (hotkey is not None) == codable, (name, hotkey, codable)
        assert hotkey not in RESERVED_HOTKEYS, (name, hotkey)


@pytest.mark.anyio
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_code_from_another_program_is_applied_by_its_hotkey(
    tmp_path: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "qcode.db"
    monkeypatch.chdir(tmp_path)
    _ok("--db", str(db), "init")
    _ok("--db", str(db), "import", str(_foreign(tmp_path)))
    keys = _hotkeys(db)
    _check_keys(keys)
    assert keys["Passports"][0] == "p"  # its own first letter, as `codebook split` would choose
    shown = _ok("--db", str(db), "codebook", "show")
    assert "[p] Passports" in shown
    store = open_store(f"sqlite:///{db}")
    try:
        app = QcodeApp(store, "alice")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("p")  # Passports, on the first segment of Interview 1
            await pilot.pause()
            assert stored_codings(store) == {("Interview 1", 1, "passports")}
    finally:
        store.close()


def test_imported_codes_take_free_keys_and_leave_the_projects_own_alone(tmp_path: Path) -> None:
    db = tmp_path / "qcode.db"
    _ok("--db", str(db), "demo")
    before = _hotkeys(db)
    out = _ok("--db", str(db), "import", str(_foreign(tmp_path)))
    assert "codes created" in out
    after = _hotkeys(db)
    assert {name: after[name] for name in before} == before  # matched codes keep their keys
    _check_keys({name: after[name] for name in after if name not in before})
    given = [hotkey for hotkey, _codable in after.values() if hotkey]
    assert len(given) == len(set(given)), after


def _edited_demo(tmp_path: Path, change: dict[str, str | None]) -> Path:
    """The demo exported by qcode, its layout's hotkeys changed (old key → new key, or none)."""
    src = tmp_path / "src.db"
    _ok("--db", str(src), "demo")
    exported = tmp_path / "demo.qdpx"
    _ok("--db", str(src), "export", "qdpx", str(exported))
    edited = tmp_path / "edited.qdpx"
    with zipfile.ZipFile(exported) as zin, zipfile.ZipFile(edited, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if not re.search(r"\.(qde|txt)$", item.filename):
                layout = json.loads(data)
                for code in layout["codes"].values():
                    if code.get("hotkey") in change:
                        code["hotkey"] = change[code["hotkey"]]
                data = json.dumps(layout).encode()
            zout.writestr(item, data)
    return edited


def test_a_reserved_key_in_a_qcode_layout_is_not_taken(tmp_path: Path) -> None:
    dst = tmp_path / "dst.db"
    _ok("--db", str(dst), "import", str(_edited_demo(tmp_path, {"w": "j"})))  # j moves down on screen
    keys = _hotkeys(dst)
    _check_keys(keys)
    assert keys["wages"][0] == "w" and keys["bribery"][0] == "b"  # the rest kept as written


def test_a_key_the_file_gives_a_later_code_is_left_for_it(tmp_path: Path) -> None:
    dst = tmp_path / "dst.db"
    _ok("--db", str(dst), "import", str(_edited_demo(tmp_path, {"w": None, "r": "w"})))
    keys = _hotkeys(dst)
    _check_keys(keys)
    assert keys["remittance"][0] == "w"  # as the file says, though wages (before it) has none
    assert keys["wages"][0] not in {None, "w"}


def test_codes_a_merge_adds_get_free_keys(tmp_path: Path) -> None:
    db = tmp_path / "qcode.db"
    _ok("--db", str(db), "demo")
    before = _hotkeys(db)
    _ok("--db", str(db), "merge", str(_foreign(tmp_path)), "--add-codes", "--skip-unmatched")
    after = _hotkeys(db)
    assert {name: after[name] for name in before} == before
    added = {name: after[name] for name in after if name not in before}
    assert set(added) == {"Work", "Duration", "Passports", "Remittances"}
    _check_keys(added)
    given = [hotkey for hotkey, _codable in after.values() if hotkey]
    assert len(given) == len(set(given)), after
