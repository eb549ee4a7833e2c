"""REFI-QDA .qdc exchange: valid against Codebook.xsd, round trips, foreign files, hostile XML."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings

from qcode.codebook.schema import (
    Codebook,
    CodebookInvalidError,
    CodeSpec,
    check_codebook,
    dump_codebook_yaml,
    parse_codebook,
)
from qcode.config import RESERVED_HOTKEYS, bundled_codebook
from qcode.errors import InputError
from qcode.exchange.criteria import LEGACY_MARKER, Criteria, describe, read_description
from qcode.exchange.qdc import adopt_identities, criteria_of, dump_qdc, parse_qdc, read_qdc, write_qdc
from tests.codebook.test_codebook_roundtrip import codebooks

NS = "urn:QDA-XML:codebook:1.0"
DATA = Path(__file__).resolve().parent.parent / "data"
XSD = DATA / "refi" / "Codebook.xsd"  # REFI-QDA 1.5 §5.2, unchanged (MIT)
FOREIGN = DATA / "codebook-maxqda-style.qdc"
GUID = "5215cc69-b628-4e02-afb9-9beeaee55808"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def _with_guids(codebook: Codebook) -> Codebook:
    """What an import of qcode's own export gives: every code carries its effective GUID and says
    whether it is codable."""
    return dataclasses.replace(
        codebook,
        codes=tuple(
            dataclasses.replace(c, guid=c.effective_guid, codable=codebook.is_codable(c))
            for c in codebook.codes
        ),
    )


def _tree_order(codebook: Codebook) -> Codebook:
    """Codes in the order nested XML lists them: each parent followed by its subtree."""
    ordered: list[CodeSpec] = []

    def visit(parent: str | None) -> None:
        for code in codebook.children(parent):
            ordered.append(code)
            visit(code.id)

    visit(None)
    return dataclasses.replace(codebook, codes=tuple(ordered))


def test_bundled_export_validates_against_the_xsd(schema: xmlschema.XMLSchema, tmp_path: Path) -> None:
    path = tmp_path / "nk.qdc"
    write_qdc(parse_codebook(bundled_codebook()), path)
    schema.validate(str(path))
    assert path.read_bytes().startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"'
    )


def test_export_nests_codes_and_marks_groups_not_codable(tmp_path: Path) -> None:
    from xml.etree import ElementTree as ET

    root = ET.fromstring(dump_qdc(parse_codebook(bundled_codebook())))
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    tops = root.findall("q:Codes/q:Code", ns)
    assert [c.get("name") for c in tops] == ["money", "control", "conditions", "pathway", "exit"]
    assert all(c.get("isCodable") == "false" for c in tops)
    money_children = [c.get("name") for c in tops[0].findall("q:Code", ns)]
    assert money_children == ["wages", "remittance", "bribery", "brokers"]
    assert tops[0].find("q:Code", ns).get("isCodable") == "true"  # type: ignore[union-attr]


def test_bundled_codebook_round_trips_through_qdc() -> None:
    codebook = parse_codebook(bundled_codebook())
    data = dump_qdc(codebook)
    back = parse_qdc(data, path="nk.qdc")
    # ids and hotkeys are qcode's own: a project keeps them for the GUIDs it has
    assert adopt_identities(back, codebook) == _with_guids(codebook)  # groups come before their codes
    assert dump_qdc(back) == data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codebooks())
def test_any_valid_codebook_round_trips_through_qdc(codebook: Codebook) -> None:
    back = adopt_identities(parse_qdc(dump_qdc(codebook)), codebook)
    assert back == _tree_order(_with_guids(_as_prose(codebook)))


def _as_prose(codebook: Codebook) -> Codebook:
    """What prose keeps of the criteria: no surrounding blanks, one paragraph each, no commas in
    keywords (none left empty), no example without its speaker."""

    def paragraph(text: str) -> str:
        return re.sub(r"\n\s*\n", "\n", text.strip())

    def prose(c: CodeSpec) -> CodeSpec:
        example = paragraph(c.example_text) if c.example_interviewee.strip() else ""
        return dataclasses.replace(
            c,
            description=c.description.strip(),
            inclusion=paragraph(c.inclusion),
            exclusion=paragraph(c.exclusion),
            example_text=example,
            example_interviewee=" ".join(c.example_interviewee.split()) if example else "",
            keywords=tuple(k for k in (k.replace(",", " ").strip() for k in c.keywords) if k),
        )

    return dataclasses.replace(codebook, codes=tuple(prose(c) for c in codebook.codes))


def test_foreign_file_imports_hierarchy_guids_colours_and_descriptions() -> None:
    codebook = read_qdc(FOREIGN)
    assert codebook.name == "codebook-maxqda-style" and codebook.version == 1
    by_name = {c.name: c for c in codebook.codes}
    assert list(by_name) == [
        "Working conditions", "Long hours", "Housing & food", "Other", "State control", "Surveillance",
        "Informers", "Other (State control)", "Money", "Remittances", "Überwachung im Ausland", "Topics",
    ]  # fmt: skip
    group = by_name["Working conditions"]
    assert group.guid == GUID  # braces and upper case dropped, value kept
    assert group.description == "Everything about the job itself.\nUse the sub-codes, not this folder."
    assert group.colour == "#ff8000" and group.hotkey is None and group.codable is False
    assert by_name["Long hours"].colour == "#ff0000"  # 3-digit colour expanded
    assert by_name["Housing & food"].colour is None  # no colour given: none invented
    assert by_name["Überwachung im Ausland"].colour is None
    assert by_name["Money"].codable is True and by_name["Money"].hotkey is not None  # a codable parent
    assert by_name["Informers"].parent == "surveillance" and by_name["Surveillance"].parent == "state-control"
    assert by_name["Other (State control)"].id == "other-2"
    assert by_name["Überwachung im Ausland"].id == "uberwachung-im-ausland"
    assert by_name["Remittances"].description == "Money sent home – “Überweisungen” to the family."
    assert by_name["Other"].description == "" and by_name["Other"].inclusion == ""
    assert by_name["Informers"].guid == "a1b2c3d4-e5f6-4711-8899-aabbccddeeff"


def test_foreign_import_gives_every_codable_code_a_free_hotkey_and_no_other() -> None:
    codebook = read_qdc(FOREIGN)
    codable = [c for c in codebook.codes if c.codable]
    keys = [c.hotkey for c in codable]
    assert None not in keys and len(set(keys)) == len(keys)
    assert not set(keys) & RESERVED_HOTKEYS
    assert all(c.hotkey is None for c in codebook.codes if not c.codable)
    assert {c.name: c.hotkey for c in codable}["Long hours"] == "l"  # a letter of its own name first
    assert check_codebook(codebook) == []  # a complete qcode codebook, ready to save as YAML
    assert dump_codebook_yaml(codebook).startswith("name: codebook-maxqda-style\n")


def test_foreign_import_export_import_is_stable(schema: xmlschema.XMLSchema) -> None:
    first = read_qdc(FOREIGN)
    data = dump_qdc(first)
    schema.validate(data.decode("utf-8"))
    back = parse_qdc(data, name="codebook-maxqda-style")
    assert adopt_identities(back, first) == first
    assert [(c.guid, c.name, c.codable, c.colour) for c in back.codes] == [
        (c.guid, c.name, c.codable, c.colour) for c in first.codes
    ]


def test_criteria_are_readable_prose_in_the_description() -> None:
    code = parse_codebook(bundled_codebook()).by_id["bribery"]
    text = describe(criteria_of(code))
    assert text.startswith(code.description + "\n\nInclude: ")
    assert "\n\nExclude: " in text and f"\n\nExample (M): “{code.example_text}”" in text
    assert text.endswith("Keywords: " + ", ".join(code.keywords))
    assert "qcode" not in text and "hotkey" not in text and "id:" not in text
    assert read_description(text) == criteria_of(code)


def test_a_description_from_elsewhere_keeps_its_paragraphs_and_labels_only_at_the_end() -> None:
    text = "First.\n\nInclude: this is prose, not a criterion.\n\nLast paragraph."
    assert read_description(text) == Criteria(text)
    found = read_description("About pay.\r\n\r\nInclude: wages.\r\n\r\nKeywords: pay, salary")
    assert found == Criteria("About pay.", inclusion="wages.", keywords=("pay", "salary"))


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        f"text\n{LEGACY_MARKER}\n[not, a, mapping]",
        f"text\n{LEGACY_MARKER}\nkey: [unclosed",
        f"a\n{LEGACY_MARKER}",
        f"a\n{LEGACY_MARKER}\nid: {'9' * 5000}",  # an integer Python will not convert
    ],
)
def test_descriptions_without_readable_qcode_fields_are_kept_whole(text: str) -> None:
    assert read_description(text) == Criteria(text.strip())


def test_the_yaml_block_of_older_qcode_files_is_still_read() -> None:
    legacy = f"Bribes.\n\n{LEGACY_MARKER}\nid: bribery\nhotkey: b\ninclusion: Paying.\nkeywords: [bribe]\n"
    assert read_description(legacy) == Criteria("Bribes.", inclusion="Paying.", keywords=("bribe",))


def test_bad_qcode_fields_from_an_edited_file_fall_back_to_defaults() -> None:
    description = (
        f"Edited elsewhere.\n\n{LEGACY_MARKER}\nid: Not An Id\nhotkey: q\nkeywords: [ok, 3, ok]\nexample: 5\n"
    )
    xml = (
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{GUID}" name="Hours" isCodable="true"><Description>{description}</Description></Code>'
        "</Codes></CodeBook>"
    )
    code = parse_qdc(xml.encode()).codes[0]
    assert (code.id, code.hotkey, code.keywords, code.example_text) == ("hours", "h", ("ok",), "")
    assert code.description == "Edited elsewhere."


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
  <Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" name="&lol9;" isCodable="true"/>
</Codes></CodeBook>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
  <Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" name="x" isCodable="true">
    <Description>&xxe;</Description>
  </Code>
</Codes></CodeBook>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook SYSTEM "http://127.0.0.1:9/evil.dtd">
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>
"""


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (BILLION_LAUGHS, 3, "refused: the file declares the entity 'lol'"),
        (EXTERNAL_ENTITY, 2, "refused: the file declares the external entity 'xxe' (file:///etc/passwd)"),
        (EXTERNAL_DTD, 2, "refused: the file refers to an external resource (http://127.0.0.1:9/evil.dtd)"),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd"],
)
def test_hostile_xml_is_refused(tmp_path: Path, data: bytes, line: int, fragment: str) -> None:
    path = tmp_path / "evil.qdc"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_qdc(path)
    assert str(info.value).startswith(f"{path}:{line}: {fragment}")


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (b"", 1, "file is empty"),
        (b"<CodeBook>\n<Codes>\n<Code></Codes>", 3, "not well-formed XML: mismatched tag"),
        (b'<Project xmlns="urn:QDA-XML:project:1.0"/>', 1, "not a REFI-QDA codebook"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n</CodeBook>', 1, "has no <Codes>"),
    ],
)
def test_unusable_qdc_files(data: bytes, line: int, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        parse_qdc(data, path="f.qdc")
    assert str(info.value).startswith(f"f.qdc:{line}: ") and fragment in str(info.value)


def test_absurdly_deep_code_trees_are_refused() -> None:
    opening = "".join(
        f'<Code guid="5215cc69-b628-4e02-afb9-{i:012x}" name="c{i}" isCodable="true">' for i in range(3000)
    )
    xml = f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{opening}{"</Code>" * 3000}</Codes></CodeBook>'
    with pytest.raises(InputError, match="nested more than 64 levels deep"):
        parse_qdc(xml.encode())


def test_code_problems_are_listed_together_with_lines() -> None:
    xml = (
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n'
        b'<Code name="a" isCodable="true"/>\n'
        b'<Code guid="nope" isCodable="true"/>\n'
        b"</Codes></CodeBook>"
    )
    with pytest.raises(CodebookInvalidError) as info:
        parse_qdc(xml, path="f.qdc")
    assert [str(p) for p in info.value.problems] == [
        "f.qdc:3: Code[@name='a']/@guid: missing guid attribute",
        "f.qdc:4: Code/@name: missing or empty name attribute",
        "f.qdc:4: Code/@guid: 'nope' is not a GUID",
    ]


def test_the_same_guid_with_and_without_braces_is_a_duplicate() -> None:
    xml = (
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n'
        f'<Code guid="{{{GUID.upper()}}}" name="a" isCodable="true"/>\n'
        f'<Code guid="{GUID}" name="b" isCodable="true"/>\n'
        "</Codes></CodeBook>"
    ).encode()
    with pytest.raises(CodebookInvalidError, match=r"f\.qdc:4: codes\[1\]\.guid: duplicate guid"):
        parse_qdc(xml, path="f.qdc")


def test_export_refuses_a_codebook_with_broken_structure() -> None:
    code = CodeSpec("a", "a", "missing", "", "", "", "", "", (), "a", "#000000")
    with pytest.raises(CodebookInvalidError, match="unknown parent 'missing'"):
        dump_qdc(Codebook("t", 1, (code,)))


def test_export_accepts_leaves_without_hotkeys() -> None:
    code = CodeSpec("a", "a", None, "", "", "", "", "", (), None, "#000000")
    with tempfile.TemporaryDirectory() as tmp:
        write_qdc(Codebook("t", 1, (code,)), Path(tmp) / "t.qdc")
        assert read_qdc(Path(tmp) / "t.qdc").codes[0].hotkey == "a"  # given one on the way back in


@pytest.mark.parametrize("declaration", ['encoding="UTF-9"', "encoding='x-unknown'", 'encoding=""'])
def test_an_unknown_declared_encoding_is_one_line(declaration: str) -> None:
    xml = f'<?xml version="1.0" {declaration}?>\n<CodeBook xmlns="{NS}"><Codes/></CodeBook>'
    with pytest.raises(InputError) as caught:
        parse_qdc(xml.encode(), path="x.qdc")
    assert str(caught.value).startswith("x.qdc:1: ") and "\n" not in str(caught.value)
    assert "encoding" in str(caught.value)


def test_a_known_declared_encoding_is_read() -> None:
    xml = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{GUID}" name="Überweisung" isCodable="true"/></Codes></CodeBook>'
    )
    assert parse_qdc(xml.encode("latin-1")).codes[0].name == "Überweisung"


def test_not_codable_codes_stay_so_and_a_codable_parent_stays_codable(schema: xmlschema.XMLSchema) -> None:
    codebook = read_qdc(FOREIGN)
    data = dump_qdc(codebook)
    schema.validate(data.decode("utf-8"))
    back = {c.name: c for c in parse_qdc(data).codes}
    assert back["Topics"].codable is False and back["Topics"].hotkey is None  # a leaf others made a label
    assert back["Money"].codable is True  # a parent others let coders apply
    assert back["Working conditions"].codable is False
    assert b'name="Housing &amp; food" isCodable="true">' in data  # no colour invented
