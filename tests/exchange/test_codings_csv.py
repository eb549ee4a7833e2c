"""`qcode codings import`: the long format read back; all rows or none; idempotent."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qcode.errors import InputError
from qcode.exchange.codings_csv import CodingsImportError, CodingsImportReport, import_codings_csv
from qcode.export.service import coded_segment_rows, write_stream
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Coder, Coding, Event
from tests.export.sample import add_segment_memos, clear_codings, codings_of


def _export_to(store: Store, path: Path, *, raw: bool = False) -> None:
    with store.sessions() as session, session.begin(), path.open("w", encoding="utf-8", newline="") as fh:
        stream = coded_segment_rows(session, guard=not raw)
        write_stream(fh, stream)


def _import(store: Store, path: Path) -> CodingsImportReport:
    with transaction(store.sessions) as session:
        return import_codings_csv(session, path, actor="tester")


def _count(store: Store) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(Coding)) or 0


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("raw", [False, True])
def test_export_then_import_into_a_fresh_copy_gives_identical_codings(
    seeded: Store, tmp_path: Path, raw: bool
) -> None:
    with seeded.sessions() as session:
        before = codings_of(session)
    path = tmp_path / "coded.csv"
    _export_to(seeded, path, raw=raw)
    clear_codings(seeded)
    assert _count(seeded) == 0
    report = _import(seeded, path)
    with seeded.sessions() as session:
        assert codings_of(session) == before
        assert sorted(session.scalars(select(Coder.name))) == ["alice", "bob"]
        event = session.scalars(select(Event).where(Event.action == "codings.import")).one()
        assert event.actor == "tester" and event.payload["added"] == len(before)
    assert report.coders_created == ("alice", "bob")


def test_importing_the_same_file_twice_adds_nothing(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "coded.csv"
    _export_to(seeded, path)
    before = _count(seeded)
    report = _import(seeded, path)
    assert report.added == 0 and report.already_present == before
    assert report.memos_updated == 0
    assert _count(seeded) == before


def test_segment_memos_in_the_memo_column_read_back_as_they_were(seeded: Store, tmp_path: Path) -> None:
    """The export's ``memo`` cell carries the coder's segment memo too; importing it changes nothing, and
    an edit of the coding's part reaches the coding alone."""
    with transaction(seeded.sessions) as session:
        add_segment_memos(session)
    with seeded.sessions() as session:
        before = codings_of(session)
    path = tmp_path / "coded.csv"
    _export_to(seeded, path)
    report = _import(seeded, path)
    assert (report.added, report.memos_updated) == (0, 0)
    edited = path.read_text(encoding="utf-8").replace("then laughed", "then left")
    report = _import(seeded, _write_text(tmp_path / "edited.csv", edited))
    assert report.memos_updated == 1
    with seeded.sessions() as session:
        after = codings_of(session)
    changed = after - before
    assert [(c[0], c[1], c[3], c[4]) for c in changed] == [("A", 1, "bob", 'said "a lot",\nthen left')]


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_minimal_columns_create_a_new_coder(seeded: Store, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "min.csv",
        ["document", "segment", "code", "coder"],
        [["B", "1", "Bribery", "Dana Kim"], ["B", "1", "bribery", "Dana Kim"], ["C", "2", "hours", "bob"]],
    )
    report = _import(seeded, path)
    assert report.added == 2 and report.repeated_rows == 1
    assert report.coders_created == ("Dana Kim",)
    with seeded.sessions() as session:
        assert ("B", 1, "bribery", "Dana Kim") in {c[:4] for c in codings_of(session)}


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(
    seeded: Store, tmp_path: Path
) -> None:
    before = _count(seeded)
    path = _write(
        tmp_path / "bad.csv",
        ["document", "segment", "code", "coder", "text", "start"],
        [
            ["C", "2", "hours", "carol", "", ""],  # line 2: fine (and carol would be new)
            ["Z", "1", "hours", "bob", "", ""],  # line 3: unknown document
            ["A", "99", "hours", "bob", "", ""],  # line 4: no such segment
            ["A", "1", "nonsense", "bob", "", ""],  # line 5: unknown code
            ["A", "x", "hours", "bob", "", ""],  # line 6: not a number
            ["B", "1", "hours", "bob", "Something else.", ""],  # line 7: text mismatch
            ["B", "1", "hours", "bob", "", "5"],  # line 8: start mismatch
            ["A", "3", "hours", "", "", ""],  # line 9: empty coder
        ],
    )
    with pytest.raises(CodingsImportError) as info:
        _import(seeded, path)
    problems = {p.line: p.message for p in info.value.problems}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9]
    assert "unknown document 'Z'" in problems[3]
    assert "no segment 99" in problems[4]
    assert "unknown code 'nonsense'" in problems[5]
    assert "text does not match" in problems[7] and "start 5" in problems[8]
    assert f"{path}:3: unknown document" in str(info.value)
    assert _count(seeded) == before
    with seeded.sessions() as session:
        assert "carol" not in set(session.scalars(select(Coder.name)))


def test_a_group_is_refused_in_one_line_naming_it_and_its_codes(seeded: Store, tmp_path: Path) -> None:
    """Coders apply leaves: a row applying the group "Recruitment" (not codable) imports nothing."""
    before = _count(seeded)
    path = _write(
        tmp_path / "group.csv",
        ["document", "segment", "code", "coder"],
        [["C", "2", "hours", "bob"], ["A", "1", "recruitment", "bob"]],
    )
    with pytest.raises(CodingsImportError) as info:
        _import(seeded, path)
    assert str(info.value) == (
        f"{path}:3: code 'Recruitment' is a group, not a code coders apply: apply one of its codes"
        " (Bribery) (so nothing was imported)"
    )
    assert _count(seeded) == before


def test_line_numbers_count_lines_inside_quoted_cells(seeded: Store, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "multi.csv",
        ["document", "segment", "code", "coder", "memo"],
        [["A", "1", "hours", "bob", "two\nlines\nhere"], ["Q", "1", "hours", "bob", ""]],
    )
    with pytest.raises(CodingsImportError) as info:
        _import(seeded, path)
    assert [p.line for p in info.value.problems] == [5]


def test_memo_corrections_are_applied(seeded: Store, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "memo.csv",
        ["document", "segment", "code", "coder", "memo"],
        [["A", "1", "bribery", "alice", "'=now a memo"]],
    )
    report = _import(seeded, path)
    assert report.memos_updated == 1 and report.added == 0
    with seeded.sessions() as session:
        memos = {c[:4]: c[4] for c in codings_of(session)}
    assert memos[("A", 1, "bribery", "alice")] == "=now a memo"


def test_missing_required_column_and_bad_csv_are_input_errors(seeded: Store, tmp_path: Path) -> None:
    path = _write(tmp_path / "nocoder.csv", ["document", "segment", "code"], [["A", "1", "hours"]])
    with pytest.raises(InputError, match=r"nocoder.csv:1: header lacks column coder"):
        _import(seeded, path)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b'document,segment,code,coder\nA,1,hours,"bob\n')
    with pytest.raises(InputError, match="malformed CSV"):
        _import(seeded, broken)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("document,segment,code,coder\nA,1,hours,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        _import(seeded, latin)


def test_a_byte_order_mark_is_accepted(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    text = io.StringIO()
    csv.writer(text).writerows([["document", "segment", "code", "coder"], ["C", "1", "hours", "bob"]])
    path.write_text("\ufeff" + text.getvalue(), encoding="utf-8")
    assert _import(seeded, path).added == 1


def test_a_file_from_r_write_csv_reads_na_as_empty(seeded: Store, tmp_path: Path) -> None:
    """R's write.csv: quoted strings, a row-names column with an empty name, NA for missing values."""
    path = tmp_path / "r.csv"
    path.write_text(
        '"","document","segment","code","coder","memo","coded_at"\n'
        '"1","C","2","hours","nadia",NA,NA\n'
        '"2","B","1","hours","nadia","a memo","2024-05-01T09:30:00Z"\n',
        encoding="utf-8",
    )
    report = _import(seeded, path)
    assert report.added == 2
    with seeded.sessions() as session:
        memos = {c[:4]: c[4] for c in codings_of(session)}
    assert memos[("C", 2, "hours", "nadia")] is None  # not the memo "NA"
    assert memos[("B", 1, "hours", "nadia")] == "a memo"


def test_a_semicolon_separated_file_from_european_excel_is_read(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    text = "\ufeffdocument;segment;code;coder;memo\r\nC;2;hours;Zoë;un mémo, avec virgule\r\n"
    path.write_bytes(text.encode())
    report = _import(seeded, path)
    assert report.added == 1 and report.coders_created == ("Zoë",)
    with seeded.sessions() as session:
        memos = {c[:4]: c[4] for c in codings_of(session)}
    assert memos[("C", 2, "hours", "Zoë")] == "un mémo, avec virgule"


@pytest.mark.parametrize(
    ("cells", "fragment"),
    [
        (["C", "2", "hours", "bob", "0001-01-01T00:00:00+14:00"], "'0001-01-01T00:00:00+14:00' is out of"),
        (["C", "2", "hours", "x" * 201, ""], "coder name is 201 characters long (at most 200)"),
        (["C", "2", "hours", "bob", "9999-12-31T23:59:59-14:00"], "is out of range"),
    ],
)
def test_hostile_rows_are_refused_on_both_backends(
    seeded: Store, tmp_path: Path, cells: list[str], fragment: str
) -> None:
    before = _count(seeded)
    path = _write(tmp_path / "hostile.csv", ["document", "segment", "code", "coder", "coded_at"], [cells])
    with pytest.raises(CodingsImportError) as info:
        _import(seeded, path)
    assert fragment in str(info.value) and f"{path}:2: " in str(info.value)
    assert _count(seeded) == before
    with seeded.sessions() as session:
        assert all(len(name) <= 200 for name in session.scalars(select(Coder.name)))


def test_unknown_names_come_with_the_close_ones_and_case_variants_are_no_new_people(
    seeded: Store, tmp_path: Path
) -> None:
    before = _count(seeded)
    path = _write(
        tmp_path / "typos.csv",
        ["document", "segment", "code", "coder"],
        [
            ["C", "2", "hourz", "bob"],  # line 2: a typo of hours
            ["c", "2", "hours", "bob"],  # line 3: the document in another case is the document
            ["C", "2", "hours", "BOB"],  # line 4: bob exists: BOB is not made a second person
            ["C", "1", "hours", "dana"],  # line 5: a new coder…
            ["C", "2", "hours", "Dana"],  # line 6: …and her name in another case later in the file
        ],
    )
    with pytest.raises(CodingsImportError) as info:
        _import(seeded, path)
    problems = {p.line: p.message for p in info.value.problems}
    assert problems == {
        2: "unknown code 'hourz'; did you mean 'hours'?",
        4: "coder 'BOB': did you mean 'bob'? (if 'BOB' is another person, add --new-coder BOB)",
        6: "coder 'Dana': did you mean 'dana'? (if 'Dana' is another person, add --new-coder Dana)",
    }
    assert _count(seeded) == before


def test_declared_new_people_are_made_though_a_name_differs_only_in_case(
    seeded: Store, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "two.csv",
        ["document", "segment", "code", "coder"],
        [["C", "1", "hours", "dana"], ["C", "2", "hours", "Dana"], ["C", "2", "hours", "BOB"]],
    )
    with transaction(seeded.sessions) as session:
        report = import_codings_csv(session, path, new_coders=["Dana", "BOB"])
    assert report.added == 3 and sorted(report.coders_created) == ["BOB", "Dana", "dana"]
