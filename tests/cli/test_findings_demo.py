"""The findings commands on the coded demo project: queries, pseudonymised exports and quote books."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from qcode.cli.main import app
from qcode.export.pseudonym import Pseudonymiser, normalise, read_names
from tests.demo_coded import coded_demo

runner = CliRunner()
NAMES = (
    "name,placeholder,kind\n"
    "Kim Il Sung,,person\n"
    "Kim Jong Il,,person\n"
    "Kim Jong-un,,person\n"
    "Pyongyang,[CAPITAL],place\n"
    "Dandong,,place\n"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A coded demo project and a names file (shared: every command here only reads it)."""
    folder = tmp_path_factory.mktemp("demo")
    coded_demo(folder)
    (folder / "names.csv").write_text(NAMES, encoding="utf-8")
    return folder


@pytest.fixture
def work(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copy(demo / "names.csv", tmp_path / "names.csv")
    return tmp_path


def _run(demo: Path, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(demo / "qcode.db"), *args])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _documents(demo: Path) -> dict[str, tuple[str, list[int]]]:
    import sqlite3

    con = sqlite3.connect(f"file:{demo / 'qcode.db'}?mode=ro", uri=True)
    try:
        docs = {n: (t, []) for n, t in con.execute("SELECT name, text FROM documents")}
        for name, start, end in con.execute(
            'SELECT d.name, s.start, s."end" FROM segments s JOIN documents d ON d.id = s.document_id'
        ):
            docs[name][1].extend((start, end))
    finally:
        con.close()
    return docs


def test_pseudonymised_segments_keep_offsets_true_and_leave_the_database_alone(
    demo: Path, work: Path
) -> None:
    before = _digest(demo / "qcode.db")
    result = _run(
        demo, "export", "segments", "--query", "ideology", "--pseudonymize", "names.csv", "-o", "seg.csv"
    )
    assert result.exit_code == 0, result.output
    assert "report: seg.csv.pseudonyms.csv" in result.stderr
    rows = list(csv.DictReader((work / "seg.csv").open(encoding="utf-8", newline="")))
    assert rows and all(r["code"] for r in rows)
    pseudo = Pseudonymiser(read_names(work / "names.csv"))
    for name, (text, cuts) in _documents(demo).items():
        new = pseudo.apply(text, cuts).text
        for r in (r for r in rows if r["document"] == name):
            assert new[int(r["start"]) : int(r["end"])] == r["text"].removeprefix("'")
    joined = normalise(" ".join(r["text"] for r in rows))
    assert "pyongyang" not in joined and "kimilsung" not in joined and "kimjongil" not in joined
    assert any("[PERSON-1]" in r["text"] for r in rows)
    assert "[CAPITAL]" in (work / "seg.csv").read_text(encoding="utf-8")  # in an attribute at least
    report = list(csv.DictReader((work / "seg.csv.pseudonyms.csv").open(encoding="utf-8", newline="")))
    assert {r["action"] for r in report} == {"replaced", "close"}
    song = next(r for r in report if r["found"] == "Kim Il Song")
    assert (song["action"], song["name"], song["placeholder"], song["score"]) == (
        "replaced",
        "Kim Il Sung",
        "[PERSON-1]",
        "88.9",
    )
    assert song["where"].startswith("segment ") and song["document"] == "L"
    close = next(r for r in report if r["action"] == "close")
    assert (close["found"], close["name"], close["score"]) == ("Kim Il Son", "Kim Il Sung", "82.4")
    assert _digest(demo / "qcode.db") == before


def test_the_wide_export_is_pseudonymised_too(demo: Path, work: Path) -> None:
    result = _run(
        demo,
        "export",
        "segments",
        "--wide",
        "--where",
        "document=P",
        "--pseudonymize",
        "names.csv",
        "-o",
        "-",
        "--pseudonym-report",
        "r.csv",
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["document"] for r in rows} == {"P"}
    assert "Kim Jong Un" not in result.stdout and "[PERSON-3]" in result.stdout
    assert "Kim Jong Un" in (work / "r.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_quote_books_are_pseudonymised_in_every_format(demo: Path, work: Path, fmt: str) -> None:
    out = work / f"q.{fmt}"
    result = _run(
        demo,
        "report",
        "quotes",
        "--codes",
        "ideology",
        "--format",
        fmt,
        "-o",
        str(out),
        "--pseudonymize",
        "names.csv",
    )
    assert result.exit_code == 0, result.output
    if fmt == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    else:
        text = out.read_text(encoding="utf-8").replace("\\[", "[").replace("\\]", "]")
    assert "[PERSON-1]" in text and "[CAPITAL]" in text
    for name in ("Pyongyang", "Pyoungyang", "Kim Il Sung", "Kim Jong Il", "Kim Il Song"):
        assert name not in text
    assert (work / f"q.{fmt}.pseudonyms.csv").exists()


def test_a_bad_names_file_stops_before_anything_is_written(demo: Path, work: Path) -> None:
    (work / "bad.csv").write_text("who\nKim\n", encoding="utf-8")
    result = _run(demo, "export", "segments", "--pseudonymize", "bad.csv", "-o", "x.csv")
    assert result.exit_code == 2
    assert result.stderr == "qcode: error: bad.csv:1: header lacks column name (it has who)\n"
    assert not (work / "x.csv").exists() and not (work / "x.csv.pseudonyms.csv").exists()


def test_query_on_the_demo(demo: Path, work: Path) -> None:
    result = _run(
        demo, "query", "defection NEAR/passage family-guarantee", "--where", "gender=Male", "--json"
    )
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    assert data["total"] == len(data["segments"]) > 0
    for seg in data["segments"]:
        assert seg["attributes"]["gender"] == "Male"
        assert {c["code"] for c in seg["codes"]} & {"defection", "family-guarantee"}


def test_frequency_figure_by_attribute_shows_the_matrix_counts(demo: Path, work: Path) -> None:
    import re

    from tests.export.svgtext import labels

    result = _run(demo, "report", "figure", "frequencies", "--by", "gender", "-o", "f.svg")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote frequencies figure (SVG, ")
    matrix = _run(demo, "report", "matrix", "--by", "gender", "--csv")
    table = list(csv.reader(io.StringIO(matrix.stdout)))
    series = table[0][1:]
    expected = {row[0]: [int(c) for c in row[1:]] for row in table[1:] if any(int(c) for c in row[1:])}
    texts = labels((work / "f.svg").read_bytes())
    codes = sorted((t for t in texts if t.text in expected), key=lambda t: t.x)[: len(expected)]
    assert {t.text for t in codes} == set(expected)
    spacing = min(abs(a.y - b.y) for a in codes for b in codes if a is not b)
    numbers = [t for t in texts if re.fullmatch(r"\d+", t.text) and t.x > codes[0].x + 5]
    for code in codes:
        near = sorted((n for n in numbers if abs(n.y - code.y) < spacing / 2), key=lambda n: n.y)
        assert [n.text for n in near] == [str(c) for c in expected[code.text] if c], code.text
    assert set(series) <= {t.text for t in texts}
    first = (work / "f.svg").read_bytes()
    again = _run(demo, "report", "figure", "frequencies", "--by", "gender", "-o", "f.svg", "--force")
    assert again.exit_code == 0 and (work / "f.svg").read_bytes() == first  # deterministic


def test_agreement_figure_matches_the_agreement_report(demo: Path, work: Path) -> None:
    import json

    from tests.export.svgtext import labels, nearest

    result = _run(demo, "report", "figure", "agreement", "--boot", "200", "-o", "a.svg")
    assert result.exit_code == 0, result.output
    report = json.loads(_run(demo, "agreement", "--boot", "200", "--json").stdout)
    texts = labels((work / "a.svg").read_bytes())
    notes = [t for t in texts if "[" in t.text]
    rows = {r["code"]: r for r in report["codes"]}
    checked = 0
    for t in texts:
        row = rows.get(t.text)
        if row is None or row["krippendorff_alpha"] is None or row["ci_low"] is None:
            continue
        note = nearest(notes, t.y, axis="y").text
        assert note == f"{row['krippendorff_alpha']:.2f} [{row['ci_low']:.2f}, {row['ci_high']:.2f}]"
        checked += 1
    assert checked >= 10


def test_figures_refuse_other_formats_and_existing_files(demo: Path, work: Path) -> None:
    bad = _run(demo, "report", "figure", "cooccurrence", "-o", "c.pdf")
    assert bad.exit_code == 2 and "c.pdf: a figure is written as .svg or .png" in bad.stderr
    assert _run(demo, "report", "figure", "cooccurrence", "-o", "c.png").exit_code == 0
    assert (work / "c.png").read_bytes().startswith(b"\x89PNG")
    again = _run(demo, "report", "figure", "cooccurrence", "-o", "c.png")
    assert again.exit_code == 4 and "use --force" in again.stderr


def test_codebook_document_counts_and_agreement_match_the_project(demo: Path, work: Path) -> None:
    import json
    import re

    result = _run(demo, "codebook", "export", "--format", "md", "--boot", "200")
    assert result.exit_code == 0, result.output
    text = result.stdout
    report = json.loads(_run(demo, "agreement", "--boot", "200", "--json").stdout)
    rows = list(csv.DictReader(io.StringIO(_run(demo, "export", "segments", "-o", "-").stdout)))
    for row in report["codes"]:
        code = row["code"]
        alice = sum(1 for r in rows if r["code_name"] == code and r["coder"] == "alice")
        bob = sum(1 for r in rows if r["code_name"] == code and r["coder"] == "bob")
        segments = len({(r["document"], r["segment"]) for r in rows if r["code_name"] == code})
        alpha, low, high = row["krippendorff_alpha"], row["ci_low"], row["ci_high"]
        figure = (
            "—" if alpha is None else f"{alpha:.2f}" + ("" if low is None else f" [{low:.2f}, {high:.2f}]")
        )
        line = f"| &nbsp;&nbsp;{code} | `"
        table_row = next(t for t in text.splitlines() if t.startswith(line))
        assert re.search(rf"\| {alice} \| {bob} \| {segments} \| {re.escape(figure)} \|$", table_row), (
            table_row
        )
    assert "**Use when:**" in text and "**Do not use when:**" in text and "> “" in text
    assert "Krippendorff's alpha per code between alice, bob over" in text


def test_codebook_document_as_html_and_word(demo: Path, work: Path) -> None:
    import docx

    assert _run(demo, "codebook", "export", "--format", "docx").exit_code == 2
    result = _run(demo, "codebook", "export", "--format", "docx", "--out", "cb.docx", "--boot", "0")
    assert result.exit_code == 0, result.output
    word = docx.Document(str(work / "cb.docx"))
    assert len(word.tables[0].rows) == 23  # header and 22 codes
    html = _run(demo, "codebook", "export", "--format", "html", "--coders", "alice")
    assert html.exit_code == 0 and "<th>alice</th>" in html.stdout and "<th>bob</th>" not in html.stdout
    assert "Agreement is not reported: it needs two coders" in html.stdout


def test_words_of_a_code_against_the_rest(demo: Path, work: Path) -> None:
    import json

    result = _run(demo, "words", "--code", "bribery", "--json", "--top", "10")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    selected = json.loads(_run(demo, "query", "bribery", "--json").stdout)
    assert data["segments"] == selected["total"]
    assert data["segments"] + data["reference_segments"] == 597  # every segment of the demo
    assert data["distinctive"][0]["word"] in {"bribery", "bribe", "bribes", "bribed"}
    assert data["distinctive"][0]["z"] > 1.96
    assert all(w["word"] not in {"the", "and", "to", "we"} for w in data["frequent"])
    from qcode.words.keyness import words
    from qcode.words.service import stop_words

    counted = sum(len(words(s["text"], stop_words("en"))) for s in selected["segments"])
    assert data["words"] == counted


def test_keyword_in_context_on_the_demo(demo: Path, work: Path) -> None:
    import re

    result = _run(demo, "words", "--kwic", "brib*", "--width", "20")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines and all(re.match(r"^\S+:\d+\s+.{20}\[brib[a-z]*\]", line) for line in lines)
    assert result.stderr.strip() == f"{len(lines)} uses of 'brib*'"


def test_pseudonymised_qdpx_imports_with_every_selection_on_its_segment(demo: Path, work: Path) -> None:
    import re
    import zipfile

    before = _digest(demo / "qcode.db")
    result = _run(demo, "export", "qdpx", "p.qdpx", "--pseudonymize", "names.csv")
    assert result.exit_code == 0, result.output
    assert "report: p.qdpx.pseudonyms.csv" in result.stderr
    with zipfile.ZipFile(work / "p.qdpx") as z:
        everything = "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
    for name in (
        "Pyongyang",
        "Pyoungyang",
        "Kim Il Sung",
        "Kim Il Song",
        "Kim Jong Il",
        "Kim Jong Un",
        "Dandong",
    ):
        assert name not in everything, name
    assert "[PERSON-1]" in everything and "[CAPITAL]" in everything
    assert "content_hash" not in everything  # it described the original text
    fresh = work / "fresh.db"
    runner.invoke(app, ["--db", str(fresh), "init"])
    imported = runner.invoke(app, ["--db", str(fresh), "import", str(work / "p.qdpx")])
    assert imported.exit_code == 0, imported.output
    matched = re.search(r"(\d+) of (\d+) selections matched one segment exactly", imported.stdout)
    assert matched and matched.group(1) == matched.group(2)
    codings = re.search(r"(\d+) codings added", imported.stdout)
    original = re.search(r"(\d+) codings", result.stdout)
    assert codings and original and codings.group(1) == original.group(1)
    assert _digest(demo / "qcode.db") == before
