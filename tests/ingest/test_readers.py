"""Transcripts from other programs: Word tables, ODT, PDF, SRT, VTT, other encodings, other
languages; each reader reads them right or refuses them in one line, and survives damaged files."""

from __future__ import annotations

import contextlib
import csv
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qcode.errors import InputError
from qcode.ingest.formats import read_file
from qcode.ingest.service import import_transcripts
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Document, Passage, Segment
from tests.ingest.files import docx_with_table, odt, odt_paragraph, odt_table, pdf

SRT = """1
00:00:01,000 --> 00:00:04,200
Interviewer: When did you arrive?

2
00:00:04,500 --> 00:00:09,000
In 2016. The manager
took our passports.

3
00:00:09,100 --> 00:00:10,000
<i>[laughs]</i>
"""
VTT = """WEBVTT

00:01.000 --> 00:04.200 align:start
<v Interviewer>Did they pay you?

intro
00:04.500 --> 00:09.000
<v R>+50% was taken. We sent money home.
"""


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


Stored = list[tuple[str | None, int | None, int | None, list[str]]]


def _stored(store: Store, path: Path, **options: str) -> Stored:
    """Import one file; (speaker, start_ms, end_ms, segment texts) of each passage."""
    with transaction(store.sessions) as session:
        import_transcripts(session, [read_file(path, **options)])
    with store.sessions() as session:
        doc = session.scalars(select(Document).where(Document.name == path.stem)).one()
        out = []
        passages = select(Passage).where(Passage.document_id == doc.id).order_by(Passage.ordinal)
        for p in session.scalars(passages):
            segs = session.scalars(
                select(Segment.text).where(Segment.passage_id == p.id).order_by(Segment.ordinal)
            )
            out.append((p.speaker, p.start_ms, p.end_ms, list(segs)))
        return out


def test_a_word_interview_laid_out_as_a_table(sqlite_store: Store, tmp_path: Path) -> None:
    rows = [
        ["Time", "Speaker", "Text"],
        ["00:01:02", "Interviewer", "Did they pay you?"],
        ["00:01:09", "R", "+50% was taken. We sent money home."],
    ]
    path = _write(tmp_path, "table.docx", docx_with_table("Interview R", "Recorded in 2019.", rows))
    assert _stored(sqlite_store, path) == [
        (None, None, None, ["Recorded in 2019."]),
        ("Interviewer", 62_000, None, ["Did they pay you?"]),
        ("R", 69_000, None, ["+50% was taken.", "We sent money home."]),
    ]


@pytest.mark.parametrize(
    ("header", "marked"),
    [(["Hablante", "Texto"], 0), (["화자", "내용"], 0), (["Persona", "Relato"], 1)],
)
def test_a_table_header_row_is_skipped_in_any_language_or_when_word_marks_it(
    sqlite_store: Store, tmp_path: Path, header: list[str], marked: int
) -> None:
    rows = [header, ["P", "¿Le pagaban?"], ["R", "No. Nunca."]]
    path = _write(tmp_path, "tabla.docx", docx_with_table("Entrevista", "Grabada en 2019.", rows, marked))
    assert [(speaker, segs) for speaker, _, _, segs in _stored(sqlite_store, path)] == [
        (None, ["Grabada en 2019."]),
        ("P", ["¿Le pagaban?"]),
        ("R", ["No.", "Nunca."]),
    ]


def test_an_unmarked_first_row_of_testimony_is_kept(sqlite_store: Store, tmp_path: Path) -> None:
    rows = [["P", "Hola"], ["R", "Buenos días. Empecemos."]]
    path = _write(tmp_path, "sin.docx", docx_with_table("Entrevista", "Grabada.", rows))
    assert [speaker for speaker, *_ in _stored(sqlite_store, path)] == [None, "P", "R"]


def test_an_odt_interview(sqlite_store: Store, tmp_path: Path) -> None:
    body = (
        '<text:h text:outline-level="1">Part one</text:h>'
        + odt_paragraph("Recorded in Seoul.")
        + odt_table([["Speaker", "Text"], ["Q", "Did they pay you?"], ["A", "No. Never."]])
        + "<text:p>After<text:s text:c=\"2\"/>the table.</text:p>"
    )
    path = _write(tmp_path, "talk.odt", odt(body))
    assert _stored(sqlite_store, path) == [
        (None, None, None, ["Recorded in Seoul."]),
        ("Q", None, None, ["Did they pay you?"]),
        ("A", None, None, ["No.", "Never."]),
        (None, None, None, ["After  the table."]),
    ]
    assert read_file(path).passages[0].section == "Part one"


def test_a_pdf_with_a_text_layer(sqlite_store: Store, tmp_path: Path) -> None:
    lines = ["Interviewer: When did you arrive?", "R: In 2016. The manager took our passports."]
    path = _write(tmp_path, "scan.pdf", pdf(lines, title="Interview R"))
    assert read_file(path).title == "Interview R"
    assert _stored(sqlite_store, path) == [
        ("Interviewer", None, None, ["When did you arrive?"]),
        ("R", None, None, ["In 2016.", "The manager took our passports."]),
    ]


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("blank.pdf", pdf([]), "without a text layer"),
        ("broken.pdf", b"%PDF-1.4\nnot really", "not a readable PDF"),
        ("fake.odt", b"PK\x03\x04 not a zip", "not an OpenDocument text file"),
        ("nocues.srt", "just some words\n", "holds no subtitle cues"),
        ("back.vtt", "WEBVTT\n\n00:05.000 --> 00:01.000\nbackwards\n", "ends before it starts"),
    ],
)
def test_what_a_reader_cannot_read_is_one_line(
    tmp_path: Path, name: str, data: bytes | str, fragment: str
) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = str(caught.value)
    assert fragment in message and message.startswith(str(path)) and "\n" not in message


def test_subtitles_keep_each_cue_with_its_times_and_speaker(sqlite_store: Store, tmp_path: Path) -> None:
    srt = _write(tmp_path, "talk.srt", SRT.replace("\n", "\r\n"))
    assert _stored(sqlite_store, srt) == [
        ("Interviewer", 1000, 4200, ["When did you arrive?"]),
        (None, 4500, 9000, ["In 2016.", "The manager\ntook our passports."]),  # the line break kept
        (None, 9100, 10_000, ["[laughs]"]),
    ]
    vtt = _write(tmp_path, "web.vtt", VTT)
    assert _stored(sqlite_store, vtt) == [
        ("Interviewer", 1000, 4200, ["Did they pay you?"]),
        ("R", 4500, 9000, ["+50% was taken.", "We sent money home."]),
    ]


def test_text_in_another_encoding_is_detected_and_said(tmp_path: Path) -> None:
    korean = "면접관: 언제 도착했습니까?\n\n응답자: 2016년에 왔습니다. 관리자가 여권을 가져갔어요.\n"
    path = _write(tmp_path, "ko.txt", korean.encode("cp949"))
    parsed = read_file(path)
    assert parsed.encoding in ("cp949", "euc_kr", "johab") and parsed.language == "ko"
    assert parsed.passages[1].text == "2016년에 왔습니다. 관리자가 여권을 가져갔어요."
    latin = _write(tmp_path, "fr.txt", "Le café était fermé, on a mangé à l'hôtel.\n".encode("cp1252"))
    assert "café était fermé" in read_file(latin).passages[0].text
    assert read_file(latin, encoding="latin-1").encoding is None  # given, not guessed


# Short transcripts written for each language, with the sentences a reader expects.
LANGUAGES = {
    "en": (
        "We arrived at 7 p.m. on Monday. Mr. Kim took our passports! Who could refuse?",
        ["We arrived at 7 p.m. on Monday.", "Mr. Kim took our passports!", "Who could refuse?"],
    ),
    "es": (
        "El Sr. García llegó a las 5 p.m. a Moscú. Nos quitaron los pasaportes. ¿Quién podía negarse? "
        "Ganábamos 3.5 dólares al día, etc. Nada más.",
        [
            "El Sr. García llegó a las 5 p.m. a Moscú.",
            "Nos quitaron los pasaportes.",
            "¿Quién podía negarse?",
            "Ganábamos 3.5 dólares al día, etc.",
            "Nada más.",
        ],
    ),
    "zh": (
        "我们每天工作十四个小时。老板拿走了护照！谁能拒绝呢？“钱都寄回家了。”",
        ["我们每天工作十四个小时。", "老板拿走了护照！", "谁能拒绝呢？", "“钱都寄回家了。”"],
    ),
    "ko": (
        "우리는 하루에 14시간 일했습니다. 관리자가 여권을 가져갔어요! 누가 거절할 수 있었겠어요? "
        '"돈은 집으로 보냈어요."',
        [
            "우리는 하루에 14시간 일했습니다.",
            "관리자가 여권을 가져갔어요!",
            "누가 거절할 수 있었겠어요?",
            '"돈은 집으로 보냈어요."',
        ],
    ),
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_sentences_in_each_language(sqlite_store: Store, tmp_path: Path, language: str) -> None:
    text, sentences = LANGUAGES[language]
    path = _write(tmp_path, f"{language}.txt", text + "\n")
    assert read_file(path).language == language  # detected from the writing
    assert [segs for *_, segs in _stored(sqlite_store, path)] == [sentences]
    with sqlite_store.sessions() as session:
        assert session.scalar(select(Document.language).where(Document.name == language)) == language


def test_the_language_can_be_given(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.txt", "Hola. Adiós.\n")
    assert read_file(path, language="es").language == "es"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["table.docx", "talk.odt", "scan.pdf", "talk.srt", "web.vtt"]), st.integers(0, 2**32))
def test_fuzz_readers(tmp_path: Path, name: str, seed: int) -> None:
    """A damaged file of each kind is read or refused with an InputError; nothing else escapes."""
    originals = {
        "table.docx": docx_with_table("I", "x", [["Speaker", "Text"], ["Q", "Why?"]]),
        "talk.odt": odt(odt_table([["Q", "Why?"]])),
        "scan.pdf": pdf(["Q: Why?"]),
        "talk.srt": SRT.encode(),
        "web.vtt": VTT.encode(),
    }
    rng = random.Random(seed)
    data = bytearray(originals[name])
    for _ in range(rng.randrange(1, 6)):
        at = rng.randrange(len(data))
        if rng.random() < 0.5:
            data[at] = rng.randrange(256)
        else:
            del data[at : at + rng.randrange(1, 64)]
    path = _write(tmp_path, name, bytes(data) or b"x")
    with contextlib.suppress(InputError):
        read_file(path)


@pytest.mark.parametrize("wide", [False, True])
def test_speakers_and_times_reach_the_segments_export(store: Store, tmp_path: Path, wide: bool) -> None:
    """Both backends, both shapes of the export (SQLite renders the long one in SQL)."""
    from qcode.export.service import coded_segment_rows, wide_segment_rows
    from qcode.store.models import Code, Coder, Coding

    srt = _write(tmp_path, "talk.srt", SRT)
    with transaction(store.sessions) as session:
        import_transcripts(session, [read_file(srt)])
        session.add_all([Code(key="arrival", name="arrival"), Coder(name="ana")])
        session.flush()
        code_id = session.scalar(select(Code.id))
        coder_id = session.scalar(select(Coder.id))
        for seg_id in session.scalars(select(Segment.id)):
            session.add(Coding(coder_id=coder_id, segment_id=seg_id, code_id=code_id))
    with store.sessions() as session, session.begin():
        stream = (wide_segment_rows if wide else coded_segment_rows)(session)
        header = list(stream.header)
        rows = []
        for chunk in stream.chunks:
            for row in chunk:
                record = row[0].decode() if isinstance(row[0], bytes) else row[0]
                rows.append(next(csv.reader([record])) if stream.rendered else list(row))
    cells = [dict(zip(header, row, strict=False)) for row in rows]
    order = [header.index(c) for c in ("section", "speaker", "start_ms", "end_ms", "segment")]
    assert order == sorted(order)
    got = [(c["speaker"] or "", str(c["start_ms"] or ""), str(c["end_ms"] or ""), c["text"]) for c in cells]
    assert got[0] == ("Interviewer", "1000", "4200", "When did you arrive?")
    assert got[1] == ("", "4500", "9000", "In 2016.")


def test_the_source_text_is_kept_as_written(sqlite_store: Store, tmp_path: Path) -> None:
    """The issue's case: lines of one paragraph are no longer joined with spaces."""
    path = _write(tmp_path, "dash.txt", "- Did they pay you?\r\n- +50% was taken\r\n")
    assert read_file(path).passages[0].text == "- Did they pay you?\n- +50% was taken"
    assert _stored(sqlite_store, path) == [(None, None, None, ["- Did they pay you?", "- +50% was taken"])]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Y el dinero, ¿lo enviaban a casa? Sí.", ["Y el dinero, ¿lo enviaban a casa?", "Sí."]),
        ("Nos dijo: ¡Fuera de aquí! Y salimos.", ["Nos dijo: ¡Fuera de aquí!", "Y salimos."]),
        ("Ganábamos poco ¿sabes? y trabajábamos mucho.", ["Ganábamos poco ¿sabes? y trabajábamos mucho."]),
        ("Llegó tarde ¿Por qué nadie lo dijo?", ["Llegó tarde", "¿Por qué nadie lo dijo?"]),
        ("Hola. ¿Qué tal? ¡Basta!", ["Hola.", "¿Qué tal?", "¡Basta!"]),
    ],
)
def test_spanish_questions_inside_a_sentence_stay_in_it(text: str, sentences: list[str]) -> None:
    """``¿…?`` and ``¡…!`` after a comma or colon, or followed by a small letter, belong to the sentence."""
    from qcode.ingest.languages import sentence_spans

    assert [text[a:b] for a, b in sentence_spans(text, "es")] == sentences
