"""Bounded fuzzing of the parsers issue 15 owns: transcripts, the report extractor, codebooks.

Each test mutates a real file (a bundled transcript, the bundled codebook as YAML and as JSON, a
small report shaped like the real one) and asserts the only outcomes a user may see: a result, or
an :class:`~qcode.errors.QcodeError` whose message is one line naming the file. Anything else (a
``ValueError`` from deep inside a parser, a ``RecursionError``) is a finding. The examples per
test are bounded so the suite stays short; ``QCODE_FUZZ_EXAMPLES`` runs more.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings

from qcode.codebook.schema import check_file
from qcode.config import bundled_codebook, bundled_transcripts
from qcode.errors import QcodeError
from qcode.ingest.formats import read_file
from qcode.ingest.report import extract_report
from tests.fuzz.mutate import edits

DATA = Path(__file__).resolve().parents[1] / "data" / "nasty"
EXAMPLES = int(os.environ.get("QCODE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TRANSCRIPT = (bundled_transcripts() / "G.md").read_bytes()
PLAIN = (
    b"Interviewer: Where did you work?\nG: In a logging camp, far from the city.\n\n"
    b"Interviewer: And pay?\nG: Little.\n"
)
CODEBOOK_YAML = bundled_codebook().read_bytes()
CODEBOOK_JSON = json.dumps(yaml.safe_load(CODEBOOK_YAML), ensure_ascii=False, indent=1).encode()
REPORT = (DATA / "report-small.txt").read_bytes()


def _one_line(exc: QcodeError, name: str) -> None:
    message = str(exc)
    assert "\n" not in message.strip(), message
    assert name in message, message


def _file(data: bytes, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="qcode-fuzz-"))
    path = folder / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=edits(TRANSCRIPT))
def test_a_mutated_transcript_is_read_or_refused_in_one_line(data: bytes) -> None:
    path = _file(data, "G.md")
    try:
        parsed = read_file(path)
    except QcodeError as exc:
        _one_line(exc, "G.md")
    else:  # a transcript may have no passages (an interviewee the report lists but never quotes)
        assert all(p.text.strip() for p in parsed.passages)


@FUZZ
@given(data=edits(PLAIN))
def test_a_mutated_plain_text_transcript_is_read_or_refused_in_one_line(data: bytes) -> None:
    path = _file(data, "interview.txt")
    try:
        read_file(path)
    except QcodeError as exc:
        _one_line(exc, "interview.txt")


@FUZZ
@given(data=edits(CODEBOOK_YAML))
def test_a_mutated_yaml_codebook_gives_problems_not_a_crash(data: bytes) -> None:
    codebook, problems = check_file(_file(data, "codebook.yaml"))
    assert (codebook is None) == bool(problems)
    assert all(p.line >= 1 and "\n" not in str(p.message) for p in problems)


@FUZZ
@given(data=edits(CODEBOOK_JSON))
def test_a_mutated_json_codebook_gives_problems_not_a_crash(data: bytes) -> None:
    codebook, problems = check_file(_file(data, "codebook.json"))
    assert (codebook is None) == bool(problems)


@FUZZ
@example(  # found by this test: an attribution's place opening with "[" reached a regular expression
    data=(
        b' Chapter 1 \xe2\x80\x93 Findings\n'
        b'\n'
        b'1. Wages and\n'
        b'\n'
        b'Conditions\n'
        b'\n'
        b'A)  Pay\n'
        b'\n'
        b'Table 1: interviewees\n'
        b'\n'
        b'A M Russia Construction Defected-lives in South Korea\n'
        b'\n'
        b'\xe2\x80\x9cWe were paid little. We worked every day and the supervisors took the rest \n'
        b'                                           \n'
        b'7 A footnote that must vanish.\n'
        b' of it, every month.\xe2\x80\x9d7\n'
        b'\n'
        b'A (33,[[ Male, Russia)\n'
        b'\n'
        b'\xe2\x80\x9cThis one has no attribution.\xe2\x80\x9d\n'
        b'\n'
        b'The report goes on.\n'
        b'\n'
        b'\xe2\x80\x9cThis one never closes and runs\n'
        b'\n'
        b'into a heading\n'
        b'\n'
        b' 99\n'
        b'\n'
        b'B)  Hours\n'
        b'\n'
        b'\xe2\x80\x9cIt is me again.\xe2\x80\x9d\n'
        b'\n'
        b'.Z (Female, Kuwait)\n'
    )
)
@given(data=edits(REPORT))
@example(data=REPORT.replace(b"A (33, Male,", b"A (33, Male,[[", 1))  # a place starting "[" (was re.error)
def test_a_mutated_report_is_extracted_or_refused_in_one_line(data: bytes) -> None:
    path = _file(data, "report.txt")
    try:
        result = extract_report(path)
    except QcodeError as exc:
        _one_line(exc, "report.txt")
    else:  # interviewees of the report's table may have no quotes; the testimony is somewhere
        assert any(t.passages for t in result.transcripts)
