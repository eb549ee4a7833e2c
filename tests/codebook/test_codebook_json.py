"""JSON codebooks: same rules as YAML, with real line numbers even where JSON and YAML differ."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from qcode.codebook.schema import codebook_to_mapping, parse_codebook
from tests.codebook.conftest import VALID, Write

Problems = Callable[..., list[str]]


def _json_text(write: Write, indent: int | str | None = 2) -> str:
    mapping = codebook_to_mapping(parse_codebook(write(VALID)))
    return json.dumps(mapping, indent=indent, ensure_ascii=False)


def test_json_and_yaml_give_the_same_codebook(write: Write) -> None:
    from_yaml = parse_codebook(write(VALID))
    assert parse_codebook(write(_json_text(write), "cb.json")) == from_yaml


def test_problem_lines_in_indented_json(write: Write, problems: Problems, tmp_path: Path) -> None:
    text = _json_text(write).replace('"hotkey": "b"', '"hotkey": "q"')
    line = text[: text.index('"hotkey": "q"')].count("\n") + 1
    found = problems(text, "cb.json")
    assert len(found) == 1
    assert found[0].startswith(
        f"{tmp_path / 'cb.json'}:{line}: codes[2].hotkey: 'q' is reserved by the coding screen"
    )


@pytest.mark.parametrize("indent", ["\t", None], ids=["tab-indented", "minified"])
def test_tab_indented_and_minified_json(
    write: Write, problems: Problems, tmp_path: Path, indent: str | None
) -> None:
    text = _json_text(write, indent).replace('"colour": "#445566"', '"colour": "red"')
    line = text[: text.index('"colour": "red"')].count("\n") + 1
    found = problems(text, "cb.json")
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 'cb.json'}:{line}: codes[1].colour: ")


def test_json_escapes_that_yaml_reads_differently(write: Write, tmp_path: Path) -> None:
    text = _json_text(write).replace('"Pay."', '"Pay \\/ wage \\ud83d\\ude00 \\u00e9\\t\\"q\\""')
    codebook = parse_codebook(write(text, "cb.json"))
    assert codebook.codes[1].description == 'Pay / wage \U0001f600 é\t"q"'


def test_json_with_bom_and_crlf(write: Write, problems: Problems, tmp_path: Path) -> None:
    text = _json_text(write).replace('"hotkey": "b"', '"hotkey": "w"')
    line = text[: text.rindex('"hotkey": "w"')].count("\n") + 1
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    found = problems(data, "cb.json")
    assert len(found) == 1 and found[0].startswith(
        f"{tmp_path / 'cb.json'}:{line}: codes[2].hotkey: duplicate"
    )


def test_duplicate_keys_in_json_are_reported(problems: Problems, tmp_path: Path) -> None:
    text = (
        '{"name": "x",\n "name": "y",\n "version": 1, "codes": [\n  {"id": "a", "name": "a", "hotkey": "a",'
    )
    text += ' "colour": "#000000", "description": ""}]}'
    assert problems(text, "cb.json") == [f"{tmp_path / 'cb.json'}:2: name: duplicate key (first at line 1)"]


def test_json_numbers_keep_their_json_types(problems: Problems, tmp_path: Path) -> None:
    text = '{"name": "x", "version": 1e0, "codes": [{"id": "a", "name": "a", "hotkey": "a",\n'
    text += '"colour": "#000000", "description": 1E5}]}'
    found = problems(text, "cb.json")
    assert found == [
        f"{tmp_path / 'cb.json'}:1: version: must be a whole number, not a number (1.0)",
        f"{tmp_path / 'cb.json'}:2: codes[0].description: must be a string, not a number (100000.0)"
        " (put it in quotes)",
    ]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('{"name": "x",\n "version": 1,,\n}', 2, "invalid JSON: Expecting property name"),
        ("{\n\n", 3, "invalid JSON"),
        ('{"name": "x"}\n{}', 2, "Extra data"),
    ],
)
def test_json_syntax_errors(problems: Problems, tmp_path: Path, text: str, line: int, fragment: str) -> None:
    found = problems(text, "cb.json")
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 'cb.json'}:{line}: (file): ")
    assert fragment in found[0]


@pytest.mark.parametrize("depth", [700, 5000])
def test_deeply_nested_json_is_a_problem_not_a_crash(problems: Problems, tmp_path: Path, depth: int) -> None:
    found = problems('{"name": ' + "[" * depth + "]" * depth + "}", "cb.json")
    assert found and found[0].startswith(f"{tmp_path / 'cb.json'}")


def test_raw_characters_yaml_refuses_still_get_lines(problems: Problems, tmp_path: Path) -> None:
    # U+0085 and U+2028 are line breaks to YAML and plain characters to JSON.
    text = '{"name": "x\u0085y",\n"version": 1, "codes": [{"id": "a", "name": "a\u2028", "hotkey": "a",\n'
    text += '"colour": "#000000", "description": ""}]}'
    found = problems(text, "cb.json")
    assert [p.split(": ")[0:2] for p in found] == [
        [f"{tmp_path / 'cb.json'}:1", "name"],
        [f"{tmp_path / 'cb.json'}:2", "codes[0].name"],
    ]
