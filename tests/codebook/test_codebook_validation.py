"""Every kind of codebook problem is reported with file, line and key, and all of them at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qcode.codebook.schema import (
    Codebook,
    CodebookInvalidError,
    check_codebook,
    parse_codebook,
    validate_codebook,
)
from qcode.errors import InputError
from tests.codebook.conftest import VALID, Write

Problems = Callable[..., list[str]]


def _one(problems: list[str], where: str) -> str:
    """The single problem that starts with ``where`` (``path:line: key``)."""
    found = [p for p in problems if p.startswith(where + ": ")]
    assert len(found) == 1, f"expected one problem at {where!r}, got {problems}"
    return found[0]


def test_valid_text_has_no_problems(problems: Problems) -> None:
    assert problems(VALID) == []


def test_duplicate_name_is_case_insensitive(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("name: bribery", "name: Wages"))
    message = _one(found, f"{tmp_path / 'cb.yaml'}:17: codes[2].name")
    assert "duplicate name 'Wages'" in message and "codes[1] (line 8)" in message


def test_duplicate_id(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("id: bribery", "id: wages"))
    assert "duplicate id 'wages'" in _one(found, f"{tmp_path / 'cb.yaml'}:16: codes[2].id")


def test_duplicate_hotkey(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("hotkey: b", "hotkey: w"))
    assert "duplicate hotkey 'w'" in _one(found, f"{tmp_path / 'cb.yaml'}:19: codes[2].hotkey")


@pytest.mark.parametrize("key", ["q", "j", "'?'", "'/'", "' '", "G"])
def test_reserved_hotkey(problems: Problems, tmp_path: Path, key: str) -> None:
    found = problems(VALID.replace("hotkey: b", f"hotkey: {key}"))
    assert "reserved by the coding screen" in _one(found, f"{tmp_path / 'cb.yaml'}:19: codes[2].hotkey")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("bb", "not a single printable character"),
        ('"\\t"', "not a single printable character"),
        ("1", "'1' in quotes"),
    ],
)
def test_hotkey_must_be_one_printable_character(
    problems: Problems, tmp_path: Path, value: str, fragment: str
) -> None:
    found = problems(VALID.replace("hotkey: b", f"hotkey: {value}"))
    assert fragment in _one(found, f"{tmp_path / 'cb.yaml'}:19: codes[2].hotkey")


def test_unknown_parent_suggests_a_close_id(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("parent: money\n  hotkey: b", "parent: mony\n  hotkey: b"))
    message = _one(found, f"{tmp_path / 'cb.yaml'}:18: codes[2].parent")
    assert "unknown parent 'mony'" in message and "did you mean 'money'" in message


def test_parent_cycle_is_reported_once(problems: Problems, tmp_path: Path) -> None:
    text = VALID.replace("  colour: '#112233'", "  parent: wages\n  colour: '#112233'")
    found = problems(text)
    assert found == [f"{tmp_path / 'cb.yaml'}:6: codes[0].parent: parent cycle: money → wages → money"]


def test_code_that_is_its_own_parent(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("parent: money\n  hotkey: b", "parent: bribery\n  hotkey: b"))
    assert "parent cycle: bribery → bribery" in _one(found, f"{tmp_path / 'cb.yaml'}:18: codes[2].parent")


def test_missing_required_keys_point_at_the_code(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("  colour: '#778899'\n  description: Bribes.\n", ""))
    path = tmp_path / "cb.yaml"
    assert "missing required key" in _one(found, f"{path}:16: codes[2].description")
    assert not any("colour" in p for p in found)  # a code may have no colour


def test_missing_top_level_key(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("version: 1\n", ""))
    assert "missing required key" in _one(found, f"{tmp_path / 'cb.yaml'}:1: version")


def test_leaf_code_needs_a_hotkey_but_a_group_does_not(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("  hotkey: b\n", ""))
    assert "needs a hotkey" in _one(found, f"{tmp_path / 'cb.yaml'}:16: codes[2].hotkey")
    assert len(found) == 1  # money has children: no hotkey needed


def test_example_needs_text_and_interviewee(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace(", interviewee: A}", "}"))
    assert "missing required key" in _one(found, f"{tmp_path / 'cb.yaml'}:15: codes[1].example.interviewee")


@pytest.mark.parametrize("colour", ["'#12345'", "red", "'#gggggg'", "'112233'", "'#1122334'"])
def test_bad_colour(problems: Problems, tmp_path: Path, colour: str) -> None:
    found = problems(VALID.replace("colour: '#445566'", f"colour: {colour}"))
    assert "is not a colour" in _one(found, f"{tmp_path / 'cb.yaml'}:12: codes[1].colour")


@pytest.mark.parametrize(
    ("old", "new", "line", "key", "fragment"),
    [
        (
            "description: Pay.",
            "description: 5",
            13,
            "codes[1].description",
            "must be a string, not a number (5)",
        ),
        ("description: Pay.", "description: [a]", 13, "codes[1].description", "not a list"),
        ("keywords: [salary, pay]", "keywords: salary", 14, "codes[1].keywords", "must be a list"),
        ("keywords: [salary, pay]", "keywords: [salary, 3]", 14, "codes[1].keywords[1]", "not a number (3)"),
        ("keywords: [salary, pay]", "keywords: [pay, Pay]", 14, "codes[1].keywords[1]", "duplicate entry"),
        ("version: 1", "version: '1'", 2, "version", "must be a whole number"),
        ("version: 1", "version: 1.5", 2, "version", "must be a whole number"),
        ("version: 1", "version: 0", 2, "version", "must be 1 or more"),
        ("name: test", "name: yes", 1, "name", "not a boolean (true)"),
        ("name: wages", "name: ' wages'", 9, "codes[1].name", "must not start or end with spaces"),
        ("name: wages", "name: ''", 9, "codes[1].name", "must not be empty"),
        ("id: wages", "id: Wages", 8, "codes[1].id", "is not an id"),
        ("  hotkey: w", "  hotkey: w\n  guid: not-a-guid", 12, "codes[1].guid", "is not a GUID"),
        ("example: {text", "example: 'text'\n  x: {text", 15, "codes[1].example", "must be a mapping"),
        ("codes:\n", "codes: 3\nx:\n", 3, "codes", "must be a list of codes"),
    ],
)
def test_wrong_types_and_forms(
    problems: Problems, tmp_path: Path, old: str, new: str, line: int, key: str, fragment: str
) -> None:
    assert old in VALID
    found = problems(VALID.replace(old, new, 1))
    assert fragment in _one(found, f"{tmp_path / 'cb.yaml'}:{line}: {key}")


def test_unknown_keys_with_and_without_suggestion(problems: Problems, tmp_path: Path) -> None:
    text = VALID.replace("colour: '#445566'", "color: '#445566'").replace(
        "version: 1", "version: 1\nauthor: me"
    )
    found = problems(text)
    path = tmp_path / "cb.yaml"
    assert "did you mean 'colour'" in _one(found, f"{path}:13: codes[1].color")
    assert "unknown key (known keys: name, version, codes)" in _one(found, f"{path}:3: author")
    assert len(found) == 2


def test_duplicate_key_in_a_mapping(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("  description: Pay.", "  description: Pay.\n  description: Wages."))
    assert "duplicate key (first at line 13)" in _one(
        found, f"{tmp_path / 'cb.yaml'}:14: codes[1].description"
    )


def test_yaml_aliases_are_refused_where_used(problems: Problems, tmp_path: Path) -> None:
    text = VALID.replace("colour: '#112233'", "colour: &c '#112233'").replace(
        "colour: '#778899'", "colour: *c"
    )
    found = problems(text)
    assert "aliases (*c) are not allowed" in _one(found, f"{tmp_path / 'cb.yaml'}:20: codes[2].colour")


def test_forbidden_characters_in_text(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("description: Pay.", 'description: "Pay\\u0007."'))
    assert "U+0007" in _one(found, f"{tmp_path / 'cb.yaml'}:13: codes[1].description")


def test_every_problem_is_reported_in_one_pass(problems: Problems) -> None:
    text = (
        VALID.replace("hotkey: b", "hotkey: q")
        .replace("colour: '#445566'", "colour: red")
        .replace("name: bribery", "name: wages")
        .replace("parent: money\n  hotkey: q", "parent: nowhere\n  hotkey: q")
        .replace("description: Money.", "description: Money.\n  bogus: 1")
    )
    keys = [p.split(": ")[1] for p in problems(text)]
    assert keys == [
        "codes[0].bogus",
        "codes[1].colour",
        "codes[2].name",
        "codes[2].parent",
        "codes[2].hotkey",
    ]


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"", 1, "file is empty"),
        (b"  \n\n", 1, "file is empty"),
        (b"# just a comment\n", 1, "no YAML document"),
        (b"name: x\nversion: 1\n\x00\x01\x02", 3, "binary file"),
        (b"name: x\nversion: 1\ncodes: caf\xe9\n", 3, "not UTF-8"),
        (b"name: x\nversion: [1\ncodes: []\n", 3, "invalid YAML"),
        (b"name: x\n  version: 1\n", 2, "invalid YAML"),
        (b"name: x\n---\nname: y\n", 2, "single document"),
        (b"name: x\nversion: 1\ncodes: \x07\n", 3, "U+0007"),
    ],
)
def test_unusable_files_name_file_and_line(
    problems: Problems, tmp_path: Path, content: bytes, line: int, fragment: str
) -> None:
    found = problems(content)
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'cb.yaml'}:{line}: (file): ")
    assert fragment in found[0]


def test_document_that_is_not_a_mapping(problems: Problems, tmp_path: Path) -> None:
    assert problems("- a\n- b\n") == [
        f"{tmp_path / 'cb.yaml'}:1: (root): must be a mapping of keys to values, not a list"
    ]


def test_unsafe_yaml_tags_are_refused_not_run(problems: Problems, tmp_path: Path) -> None:
    found = problems(VALID.replace("name: test", "name: !!python/object/apply:os.system ['true']"))
    assert "unsupported YAML tag" in _one(found, f"{tmp_path / 'cb.yaml'}:1: name")


def test_parse_raises_one_error_listing_every_problem(write: Write) -> None:
    path = write(VALID.replace("hotkey: b", "hotkey: q").replace("colour: '#445566'", "colour: red"))
    with pytest.raises(CodebookInvalidError) as info:
        parse_codebook(path)
    assert isinstance(info.value, InputError)
    assert info.value.exit_code == 2
    assert len(info.value.problems) == 2
    assert str(info.value).splitlines() == [str(p) for p in info.value.problems]
    assert info.value.path == str(path) and info.value.line == 12


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read codebook"):
        validate_codebook(tmp_path / "nope.yaml")


def test_check_codebook_applies_the_rules_to_objects(write: Write) -> None:
    codebook = parse_codebook(write(VALID))
    broken = Codebook(codebook.name, codebook.version, (*codebook.codes, codebook.codes[1]))
    found = [str(p) for p in check_codebook(broken, lines=[4, 8, 16, 30])]
    assert "<memory>:30: codes[3].id: duplicate id 'wages': also used by codes[1] (line 8)" in found
    assert check_codebook(codebook) == []
