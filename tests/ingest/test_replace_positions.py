"""`import --replace` keeps every coding on its own sentence, repeated sentences too, and says what it did."""

from __future__ import annotations

import hashlib
import random

from sqlalchemy import insert, select
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.ingest.service import import_transcripts
from qcode.ingest.types import ParsedPassage, ParsedTranscript
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Coding, Segment

#: Testimony repeats itself: short answers come back again and again.
SAYINGS = ["Yes.", "No.", "I don't know.", "We worked every day.", "They kept our passports.", "Yes, all."]


def _transcript(sentences: list[str]) -> ParsedTranscript:
    paragraphs = [" ".join(sentences[k : k + 6]) for k in range(0, len(sentences), 6)]
    return ParsedTranscript(
        name="A",
        title="A",
        source_path="A.md",
        content_hash=hashlib.sha256("|".join(paragraphs).encode()).hexdigest(),
        attributes={},
        passages=tuple(
            ParsedPassage(text=p, section="S", source_lines=(i, i)) for i, p in enumerate(paragraphs, 1)
        ),
    )


def _coded_by_ordinal(store: Store) -> dict[int, set[str]]:
    with store.readers() as s:
        rows = s.execute(
            select(Segment.ordinal, Code.key).join(Coding, Coding.segment_id == Segment.id).join(Code)
        ).all()
    found: dict[int, set[str]] = {}
    for ordinal, key in rows:
        found.setdefault(ordinal, set()).add(key)
    return found


def test_repeated_sentences_keep_their_own_codings_through_a_replace(store: Store) -> None:
    rng = random.Random(15)
    sentences = [rng.choice(SAYINGS) for _ in range(240)]
    with transaction(store.sessions) as s:
        import_transcripts(s, [_transcript(sentences)])
        coder = s.execute(insert(Coder).values(name="ann", guid="g-ann").returning(Coder.id)).scalar_one()
        codes = [
            s.execute(insert(Code).values(key=k, name=k, guid=f"g-{k}").returning(Code.id)).scalar_one()
            for k in ("c0", "c1", "c2")
        ]
        segments = s.execute(select(Segment.id, Segment.ordinal).order_by(Segment.ordinal)).all()
        s.execute(
            insert(Coding),
            [
                {"guid": f"k{o}", "coder_id": coder, "segment_id": sid, "code_id": codes[o % 3]}
                for sid, o in segments
                if o % 4 != 0  # three in four sentences coded, by position
            ],
        )
    before = _coded_by_ordinal(store)
    edited = ["A new opening sentence nobody said before.", *sentences]  # everything shifts by one
    edited[121] = "We worked every single day, even Sundays."  # and one sentence is reworded
    with transaction(store.sessions) as s:
        report = import_transcripts(s, [_transcript(edited)], replace=True)
    after = _coded_by_ordinal(store)
    reworded = 121  # old ordinal 121 is new ordinal 122: its coding follows only if the text is close
    expected = {o + 1: keys for o, keys in before.items() if o != reworded}
    assert {o: k for o, k in after.items() if o != reworded + 1} == expected
    assert report.merged == 0
    assert report.carried + len(report.unplaced) == sum(len(k) for k in before.values())
    placed = (reworded + 1) in after
    assert (report.moved, len(report.unplaced)) == ((1, 0) if placed else (0, 1))


def test_the_command_says_what_moved_merged_and_was_not_placed(sqlite_store: Store, tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    doc = folder / "A.txt"
    doc.write_text("Yes. We left at night. All of us. Yes.\n", encoding="utf-8")
    db = sqlite_store.url.removeprefix("sqlite:///")
    sqlite_store.close()
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "import", str(doc)]).exit_code == 0
    for ordinal, memo in ((2, "at night"), (3, "everyone"), (4, "last yes")):
        row = f"A,{ordinal},leave,ann"
        csv = folder / f"c{ordinal}.csv"
        csv.write_text(f"document,segment,code,coder,memo\n{row},{memo}\n", encoding="utf-8")
        if ordinal == 2:
            assert runner.invoke(app, ["--db", db, "codebook", "load", str(_codebook(folder))]).exit_code == 0
        result = runner.invoke(app, ["--db", db, "codings", "import", str(csv)])
        assert result.exit_code == 0, result.output
    doc.write_text("Yes. We left at night, all of us.\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", db, "import", "--replace", str(doc)])
    assert result.exit_code == 0, result.output
    assert "1 coding or memo carried over (1 to a moved or edited sentence)" in result.output
    assert "1 merged into an identical one (memos kept)" in result.output
    assert "1 not placed" in result.output
    assert "could not place coding 'leave' of ann on A segment 4" in result.stderr


def _codebook(folder: object) -> object:
    from pathlib import Path

    path = Path(str(folder)) / "codebook.yaml"
    code = "- id: leave\n  name: leave\n  hotkey: l\n  description: Leaving the country.\n"
    path.write_text(f"name: t\nversion: 1\ncodes:\n{code}", encoding="utf-8")
    return path
