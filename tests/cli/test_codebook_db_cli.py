"""`qcode codebook load|show|export|merge|rename|split` through the command line."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.config import bundled_codebook

runner = CliRunner()


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_load_show_export_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    code, out, _ = _run(db, "codebook", "load", str(bundled_codebook()))
    assert code == 0 and "added 22" in out
    code, out, _ = _run(db, "codebook", "show")
    assert "[b] bribery" in out and "[s] surveillance" in out and "0 codings" in out
    code, out, _ = _run(db, "codebook", "export", "--format", "yaml")
    exported = yaml.safe_load(out)
    for fmt in ("yaml", "md"):  # `--out -` is standard output too, as for every export
        code, dashed, err = _run(db, "codebook", "export", "--format", fmt, "--out", "-")
        assert code == 0 and err == "" and "bribery" in dashed, err
    assert yaml.safe_load(_run(db, "codebook", "export", "--format", "yaml", "--out", "-")[1]) == exported
    original = yaml.safe_load(bundled_codebook().read_text(encoding="utf-8"))
    assert [c["id"] for c in exported["codes"]] == [c["id"] for c in original["codes"]]
    target = tmp_path / "book.qdc"
    assert _run(db, "codebook", "export", "--format", "qdc", "--out", str(target))[0] == 0
    assert b"urn:QDA-XML:codebook:1.0" in target.read_bytes()
    code, _, err = _run(db, "codebook", "export", "--format", "qdc", "--out", str(target))
    assert code != 0 and "--force" in err
    assert _run(db, "codebook", "export", "--format", "qdc", "--out", str(target), "--force")[0] == 0
    # the .qdc carries no ids or hotkeys, yet loading it back keeps the project's own (by GUID)
    code, out, _ = _run(db, "codebook", "load", str(target))
    assert code == 0 and "added 0, renamed 0, removed 0" in out, out
    assert yaml.safe_load(_run(db, "codebook", "export", "--format", "yaml")[1]) == exported


def test_merge_rename_split_and_refused_removal(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    _run(db, "codebook", "load", str(bundled_codebook()))
    assert _run(db, "codebook", "rename", "hours", "working-hours")[0] == 0
    code, out, _ = _run(db, "codebook", "merge", "side-work", "INTO", "wages")
    assert code == 0 and "0 codings moved" in out
    code, out, _ = _run(db, "codebook", "split", "brokers", "recruiters", "smugglers", "--to", "smugglers")
    assert code == 0, out
    code, out, _ = _run(db, "codebook", "show")
    assert "working-hours" in out and "side-work" not in out and "smugglers" in out
    code, _, err = _run(db, "codebook", "merge", "nosuchcode", "INTO", "wages")
    assert code != 0 and "no code named 'nosuchcode'" in err
    code, _, err = _run(db, "codebook", "merge", "wages", "ONTO", "bribery")
    assert code != 0 and "INTO" in err


def test_events_name_the_coder_from_the_environment(tmp_path: Path, monkeypatch: object) -> None:
    import pytest
    from sqlalchemy import select

    from qcode.store.migrate import open_store
    from qcode.store.models import Event

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    db = tmp_path / "p.db"
    _run(db, "codebook", "load", str(bundled_codebook()))
    monkeypatch.setenv("QCODE_CODER", "ana")
    assert _run(db, "codebook", "rename", "hours", "working-hours")[0] == 0
    store = open_store(f"sqlite:///{db}")
    with store.sessions() as s:
        actors = dict(s.execute(select(Event.action, Event.actor)).all())
    store.close()
    assert actors["codebook.load"] == "system" and actors["codebook.rename"] == "ana"
