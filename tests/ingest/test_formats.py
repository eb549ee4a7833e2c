"""Reading transcript files: plain text, turn-based text, Markdown, Word, and bad input."""

from __future__ import annotations

import hashlib
import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from qcode.config import bundled_report
from qcode.errors import InputError
from qcode.ingest.formats import collect_paths, read_file
from qcode.ingest.types import ParsedPassage, ParsedTranscript

REPORT = bundled_report()


def _write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def _docx(path: Path, paragraphs: list[tuple[str, str]], title: str | None = None) -> Path:
    import docx

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    for style, text in paragraphs:
        if style.startswith("Heading"):
            document.add_heading(text, int(style.split()[1]))
        else:
            document.add_paragraph(text, style=style)
    document.save(str(path))
    return path


# --------------------------------------------------------------------------- plain text


def test_plain_text_gives_a_passage_per_paragraph(tmp_path: Path) -> None:
    body = "First line of one\nparagraph, wrapped.\n\n\n  Second paragraph.  \r\n\r\nThird\r\nparagraph.\n"
    path = _write(tmp_path / "interview-a.txt", body)
    t = read_file(path)
    assert t.name == "interview-a" and t.title == "interview-a"
    assert t.source_path == str(path)
    assert t.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [p.text for p in t.passages] == [
        "First line of one\nparagraph, wrapped.",  # lines kept as written (line ends as \n)
        "Second paragraph.",
        "Third\nparagraph.",
    ]
    assert [p.source_lines for p in t.passages] == [(1, 2), (5, 5), (7, 8)]
    assert all(p.speaker is None and p.section == "" for p in t.passages)


def test_name_can_be_given(tmp_path: Path) -> None:
    t = read_file(_write(tmp_path / "x.txt", "Hello."), name="A")
    assert t.name == "A"


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    t = read_file(_write(tmp_path / "bom.txt", "\ufeffI went to Russia.".encode()))
    assert t.passages[0].text == "I went to Russia."


def test_turn_based_text_gives_a_passage_per_turn(tmp_path: Path) -> None:
    body = (
        "Interview recorded in Seoul.\n\n"
        "Interviewer: Where did you work?\n"
        "A: In Russia, logging. We worked\n"
        "from 7 a.m. to 10 p.m.\n\n"
        "Nobody could refuse.\n"
        "Interviewer: And the pay?\n"
        "Mr. Kim: About $100 a month.\n"
    )
    t = read_file(_write(tmp_path / "turns.txt", body))
    assert [(p.speaker, p.text) for p in t.passages] == [
        (None, "Interview recorded in Seoul."),
        ("Interviewer", "Where did you work?"),
        ("A", "In Russia, logging. We worked\nfrom 7 a.m. to 10 p.m.\n\nNobody could refuse."),
        ("Interviewer", "And the pay?"),
        ("Mr. Kim", "About $100 a month."),
    ]
    assert [p.source_lines for p in t.passages] == [(1, 1), (3, 3), (4, 7), (8, 8), (9, 9)]


def test_hard_wrapped_turns_are_recognised_by_paragraph_starts(tmp_path: Path) -> None:
    body = (
        "Q: Where did you live\nbefore you left?\nPlease say.\n\n"
        "A: In Pyongyang, in the\ncentre, near the river.\nIt was cold.\n"
    )
    t = read_file(_write(tmp_path / "wrapped.txt", body))
    assert [(p.speaker, p.text) for p in t.passages] == [
        ("Q", "Where did you live\nbefore you left?\nPlease say."),
        ("A", "In Pyongyang, in the\ncentre, near the river.\nIt was cold."),
    ]


def test_prose_with_a_few_colons_is_not_turn_based(tmp_path: Path) -> None:
    body = "Note: this is prose.\nIt goes on and on\nwith no speakers at all.\n\nA second paragraph here.\n"
    t = read_file(_write(tmp_path / "prose.txt", body))
    assert [p.speaker for p in t.passages] == [None, None]
    assert t.passages[0].text == "Note: this is prose.\nIt goes on and on\nwith no speakers at all."


def test_markdown_without_front_matter_uses_headings_as_sections(tmp_path: Path) -> None:
    body = (
        "# Interview A\n\nIntro.\n\n## Wages\n\nWe got $13.21.\n\n"
        "### Deductions ###\n\nMost went.\n\n## Food\n\nRice.\n"
    )
    t = read_file(_write(tmp_path / "a.md", body))
    assert [(p.section, p.text) for p in t.passages] == [
        ("Interview A", "Intro."),
        ("Interview A › Wages", "We got $13.21."),
        ("Interview A › Wages › Deductions", "Most went."),
        ("Interview A › Food", "Rice."),
    ]


def test_hash_headings_are_text_in_txt_files(tmp_path: Path) -> None:
    t = read_file(_write(tmp_path / "a.txt", "# not a heading\n"))
    assert t.passages[0].text == "# not a heading"


def test_front_matter_goes_to_the_transcript_reader(tmp_path: Path) -> None:
    from qcode.ingest.transcript import write_transcript

    original = ParsedTranscript(
        name="A",
        title="Interviewee A",
        source_path="report.txt",
        content_hash="",
        attributes={"gender": "Male", "country": "Russia"},
        passages=(
            ParsedPassage("I went to Russia.", section="Background", source_lines=(3, 4)),
            ParsedPassage("We got $1,000.\n\nThen we left.", speaker="A"),
        ),
    )
    for suffix in (".md", ".markdown", ".txt"):
        path = _write(tmp_path / f"a{suffix}", write_transcript(original))
        t = read_file(path)
        assert (t.name, t.title, t.attributes) == ("A", "Interviewee A", original.attributes)
        assert t.passages == original.passages
        assert t.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_encoding_option_decodes_other_encodings(tmp_path: Path) -> None:
    path = _write(tmp_path / "latin.txt", "Caf\u00e9 workers earned \u00a3100.".encode("cp1252"))
    assert read_file(path, encoding="cp1252").passages[0].text == "Café workers earned £100."
    path16 = _write(tmp_path / "u16.txt", "A: Hello.\nB: Hi.\n".encode("utf-16"))
    assert [p.speaker for p in read_file(path16, encoding="utf-16").passages] == ["A", "B"]


# --------------------------------------------------------------------------- Word


def test_docx_paragraphs_headings_and_title(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "b.docx",
        [
            ("Title", "Interview with B"),
            ("Heading 1", "Background"),
            ("Normal", "I lived in Pyongyang."),
            ("Heading 2", "Work"),
            ("Normal", "I worked in construction."),
            ("Normal", ""),
            ("Heading 1", "Wages"),
            ("Normal", "We got $150 a month."),
        ],
    )
    t = read_file(path)
    assert t.name == "b" and t.title == "Interview with B"
    assert t.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [(p.section, p.text, p.source_lines) for p in t.passages] == [
        ("Background", "I lived in Pyongyang.", None),
        ("Background › Work", "I worked in construction.", None),
        ("Wages", "We got $150 a month.", None),
    ]


def test_docx_turns_and_core_title(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "c.docx",
        [
            ("Normal", "Interviewer: Where did you go?"),
            ("Normal", "C: To Kuwait."),
            ("Normal", "It was hot there."),
            ("Normal", "Interviewer: Thank you."),
        ],
        title="Interviewee C",
    )
    t = read_file(path)
    assert t.title == "Interviewee C"
    assert [(p.speaker, p.text) for p in t.passages] == [
        ("Interviewer", "Where did you go?"),
        ("C", "To Kuwait.\n\nIt was hot there."),
        ("Interviewer", "Thank you."),
    ]


def test_a_word_file_with_a_txt_name_is_read_as_word(tmp_path: Path) -> None:
    docx_path = _docx(tmp_path / "d.docx", [("Normal", "Hello from Word.")])
    txt_path = _write(tmp_path / "d.txt", docx_path.read_bytes())
    assert read_file(txt_path).passages[0].text == "Hello from Word."


def test_a_zip_that_is_not_a_word_file_with_a_txt_name_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("notes.txt", "hello")
    path = _write(tmp_path / "z.txt", buf.getvalue())
    with pytest.raises(InputError, match="ZIP archive, not a text file"):
        read_file(path)


# --------------------------------------------------------------------------- bad input


def _error(path: Path, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as info:
        read_file(path, **kwargs)  # type: ignore[arg-type]
    assert str(path) in str(info.value)
    return info.value


def test_empty_and_blank_files(tmp_path: Path) -> None:
    assert "is empty" in str(_error(_write(tmp_path / "e.txt", b"")))
    assert "only whitespace" in str(_error(_write(tmp_path / "w.txt", " \n\t\n")))
    assert "no text" in str(_error(_write(tmp_path / "h.md", "# Only\n\n## Headings\n")))


def test_binary_files(tmp_path: Path) -> None:
    err = _error(_write(tmp_path / "b.txt", b"some text\x00\x01\x02 more"))
    assert "binary" in str(err) and "offset 9" in str(err)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert "binary" in str(_error(_write(tmp_path / "image.md", png)))
    assert "binary" in str(_error(_write(tmp_path / "ctl.txt", bytes(range(1, 32)) * 20)))


def test_non_utf8_text_is_read_in_the_encoding_found_and_says_so(tmp_path: Path) -> None:
    data = "line one\nline two\nCaf\u00e9 three\n".encode("latin-1")
    parsed = read_file(_write(tmp_path / "latin.txt", data))
    assert parsed.encoding == "cp1252" and parsed.passages[0].text.endswith("Café three")


def test_wrong_encoding_option(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.txt", "ok\n\u00e9".encode("latin-1"))
    assert "unknown encoding" in str(_error(path, encoding="no-such-codec"))
    err = _error(path, encoding="ascii")
    assert err.line == 2 and "ascii" in str(err)


def test_utf16_without_encoding_is_read_and_said(tmp_path: Path) -> None:
    parsed = read_file(_write(tmp_path / "u16.txt", "Hello there.".encode("utf-16")))
    assert parsed.encoding is not None and "16" in parsed.encoding
    assert parsed.passages[0].text == "Hello there."


def test_unknown_extension(tmp_path: Path) -> None:
    assert "unknown file type .csv" in str(_error(_write(tmp_path / "x.csv", "a,b")))
    err = _error(_write(tmp_path / "x.rtf", b"{\\rtf1 hello}"))
    assert "save it as .docx or plain text first" in str(err)
    assert "(none)" in str(_error(_write(tmp_path / "README", "hi")))
    qdc = str(_error(_write(tmp_path / "book.qdc", "<CodeBook/>")))
    assert "looks like a REFI-QDA codebook: `qcode codebook load FILE.qdc` takes it" in qdc
    assert "`qcode attributes import FILE`" in str(_error(_write(tmp_path / "y.csv", "a,b")))


def test_corrupt_docx(tmp_path: Path) -> None:
    assert "not a Word document" in str(_error(_write(tmp_path / "t.docx", "plain text")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    err = _error(_write(tmp_path / "odt.docx", buf.getvalue()))
    assert "ZIP archive but not a Word document" in str(err)
    good = _docx(tmp_path / "good.docx", [("Normal", "Hello.")]).read_bytes()
    assert "not a Word document" in str(_error(_write(tmp_path / "cut.docx", good[: len(good) // 2])))
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[:100] if item.filename == "word/document.xml" else data)
    assert "corrupt Word document" in str(_error(_write(tmp_path / "xml.docx", broken.getvalue())))


def test_huge_file_is_refused_quickly_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.write(b"Interviewer: hello\n")
        fh.truncate(100 * 1024 * 1024)
    tracemalloc.start()
    started = time.perf_counter()
    err = _error(path)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 0.5 and peak < 1024 * 1024
    assert "100.0 MiB" in str(err) and "64 MiB limit" in str(err) and "--max-mb" in str(err)


def test_size_limit_is_a_keyword(tmp_path: Path) -> None:
    path = _write(tmp_path / "small.txt", "x" * 2000)
    assert "2,000 bytes" not in str(_error(path, max_bytes=1000))
    assert "1,000 bytes limit" in str(_error(path, max_bytes=1000))
    assert read_file(path, max_bytes=2000).passages[0].text == "x" * 2000


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "no such file" in str(_error(tmp_path / "missing.txt"))
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert "is a folder" in str(_error(folder))


# --------------------------------------------------------------------------- collect_paths


def test_collect_paths_expands_folders_sorted_and_recursive(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    names = ["b.txt", "a.md", "sub/c.docx", "sub/z.markdown", "notes.csv", ".hidden/x.txt", "sub/~$c.docx"]
    for rel in names:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    extra = _write(tmp_path / "E.TXT", "x")
    got = collect_paths([extra, root, root / "a.md"])
    assert got == [extra, root / "a.md", root / "b.txt", root / "sub" / "c.docx", root / "sub" / "z.markdown"]


def test_collect_paths_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    (empty / "deeper").mkdir(parents=True)
    (empty / "deeper" / "data.csv").write_text("x")
    with pytest.raises(InputError, match="folder contains no transcript files") as info:
        collect_paths([empty])
    assert info.value.path == str(empty)
    with pytest.raises(InputError, match="no such file or folder"):
        collect_paths([tmp_path / "nope"])
    with pytest.raises(InputError, match=r"unknown file type \.csv"):
        collect_paths([empty / "deeper" / "data.csv"])


def test_the_seed_report_reads_as_plain_text() -> None:
    t = read_file(REPORT)
    assert len(t.passages) > 1000
    assert all(p.text and p.text == p.text.strip() for p in t.passages)
    assert any("Chosun-Czech" in p.text for p in t.passages)
