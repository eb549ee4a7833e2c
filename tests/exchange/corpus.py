"""REFI-QDA projects shaped like each program's exports, built for the round-trip tests.

Every shape holds the same material (nested codes with a group that is not codable and a parent
that is, codes without colour, four users of whom one coded nothing, an empty source, a selection
inside a sentence, one across sentences, an emoji before a selection, notes on a selection, a
source and a code, typed variables on a case and on a source) written the way one program writes
it: its GUID style (braces, upper case), its ``endPosition`` (last character or one past it), its
line ends and its sources folder. Offsets are counted in code points, as REFI-QDA says.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

#: Namespace of the GUIDs made here, so every run builds the same files.
_NS = uuid.UUID("0c0ffee0-1234-5678-9abc-def012345678")

INTERVIEW = (
    "Q: When did you arrive?\n"
    "A: In 2016 😀. The manager took our passports.\n"
    "\n"
    "Q: Did they pay you?\n"
    "A: +50% was taken. We sent money home once a year.\n"
)
SHORT = "Only one line, said once."


@dataclass(frozen=True)
class Shape:
    """How one program writes a project."""

    program: str
    braces: bool  # GUIDs as {…}
    upper: bool  # GUIDs in upper case
    inclusive: bool  # endPosition is the last character (else one past it)
    crlf: bool  # sources have Windows line ends
    folder: str  # "sources" or "Sources"
    typed: bool  # variables typed (Integer, Boolean, Date, Float) rather than all Text


SHAPES = (
    Shape("ATLAS.ti 23", False, False, inclusive=False, crlf=False, folder="sources", typed=True),
    Shape("MAXQDA 2022", True, True, inclusive=True, crlf=True, folder="Sources", typed=True),
    Shape("NVivo 14", False, True, inclusive=True, crlf=True, folder="sources", typed=False),
    Shape("QualCoder 3.5", False, False, inclusive=False, crlf=False, folder="sources", typed=True),
)

#: (name, parent, isCodable, colour or None, description)
CODES = (
    ("Work", None, False, "#336699", "Working conditions (a folder)."),
    ("Duration", "Work", True, "#F00", ""),
    ("Passports", "Work", True, None, "Documents taken away."),
    ("Control", None, True, "#00AA00", "Being controlled; a parent coders apply too."),
    ("Surveillance", "Control", True, None, ""),
    ("Remittances", None, True, None, ""),
    ("Bribery", None, True, "#AA0000", "Paying officials.\n\nSecond paragraph of the description."),
)
USERS = ("Ana", "Ben", "Cem", "Dee")  # Dee codes nothing
#: (source, selected text, occurrence, code, user, note on the selection)
SELECTIONS = (
    ("Interview 1", "The manager took our passports.", 0, "Passports", "Ana", None),
    ("Interview 1", "took our passports", 0, "Control", "Ben", None),
    ("Interview 1", "In 2016 😀. The manager took our passports.", 0, "Duration", "Ana", "Crosses two."),
    ("Interview 1", "We sent money home", 0, "Remittances", "Ben", None),
    ("Interview 1", "The manager took our passports.", 0, "Surveillance", "Cem", None),
    ("Interview 3", SHORT, 0, "Bribery", "Cem", None),
)
#: (name, REFI type, value on the case of Interview 1 and 3, value on Interview 3's source)
VARIABLES = (
    ("gender", "Text", "Female", None),
    ("age", "Integer", "34", "35"),
    ("married", "Boolean", "true", None),
    ("interviewed", "Date", "2023-04-05", None),
    ("score", "Float", "2.5", None),
)


class _Ids:
    def __init__(self, shape: Shape) -> None:
        self.shape = shape

    def __call__(self, *parts: str) -> str:
        guid = str(uuid.uuid5(_NS, "/".join(parts)))
        guid = guid.upper() if self.shape.upper else guid
        return "{" + guid + "}" if self.shape.braces else guid


def source_text(shape: Shape, name: str) -> str:
    """The text of a source as this program stores it."""
    text = {"Interview 1": INTERVIEW, "Interview 2": "", "Interview 3": SHORT}[name]
    return text.replace("\n", "\r\n") if shape.crlf else text


def selection_span(shape: Shape, source: str, selected: str, occurrence: int) -> tuple[int, int]:
    """``[start, end)`` of the selected text, in code points."""
    text = source_text(shape, source)
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(selected, start + 1)
    return start, start + len(selected)


def build(shape: Shape, path: Path) -> Path:
    """Write the project as this program would (a .qdpx zip) and return ``path``."""
    gid = _Ids(shape)
    notes: list[tuple[str, str, str]] = []  # guid, user, text

    def note(text: str, user: str, *key: str) -> str:
        guid = gid("note", *key)
        notes.append((guid, user, text))
        return f"<NoteRef targetGUID={quoteattr(guid)}/>"

    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="Labour migration" origin={quoteattr(shape.program)} '
        f'creatingUserGUID={quoteattr(gid("user", "Ana"))} creationDateTime="2023-11-02T10:00:00Z">',
        "<Users>",
        *(f"<User guid={quoteattr(gid('user', u))} name={quoteattr(u)}/>" for u in USERS),
        "</Users>",
        "<CodeBook><Codes>",
        *_codes(None, gid, note),
        "</Codes></CodeBook>",
        "<Variables>",
    ]
    for name, kind, *_ in VARIABLES:
        kind = kind if shape.typed else "Text"
        guid = quoteattr(gid("var", name))
        out.append(f"<Variable guid={guid} name={quoteattr(name)} typeOfVariable={quoteattr(kind)}/>")
    out += ["</Variables>", "<Cases>", f"<Case guid={quoteattr(gid('case', '1'))} name=\"Interviewees\">"]
    for name, kind, value, _own in VARIABLES:
        out.append(_value(gid("var", name), kind if shape.typed else "Text", value))
    out += [
        *(f"<SourceRef targetGUID={quoteattr(gid('source', s))}/>" for s in ("Interview 1", "Interview 3")),
        "</Case>",
        "</Cases>",
        "<Sources>",
    ]
    for source in ("Interview 1", "Interview 2", "Interview 3"):
        out.append(
            f"<TextSource guid={quoteattr(gid('source', source))} name={quoteattr(source + '.docx')} "
            f"plainTextPath={quoteattr('internal://' + gid('file', source) + '.txt')} "
            f"creatingUser={quoteattr(gid('user', 'Ana'))}>"
        )
        for n, (src, selected, occurrence, code, user, sel_note) in enumerate(SELECTIONS):
            if src != source:
                continue
            start, end = selection_span(shape, source, selected, occurrence)
            end -= 1 if shape.inclusive else 0
            out.append(
                f"<PlainTextSelection guid={quoteattr(gid('sel', str(n)))} name={quoteattr(selected)} "
                f'startPosition="{start}" endPosition="{end}" creatingUser={quoteattr(gid("user", user))} '
                'creationDateTime="2023-11-03T09:00:00Z">'
                f"<Coding guid={quoteattr(gid('coding', str(n)))} "
                f"creatingUser={quoteattr(gid('user', user))}>"
                f"<CodeRef targetGUID={quoteattr(gid('code', code))}/></Coding>"
                + (note(sel_note, user, "sel", str(n)) if sel_note else "")
                + "</PlainTextSelection>"
            )
        if source == "Interview 3":
            out += [_value(gid("var", "age"), "Integer" if shape.typed else "Text", "35")]
        if source == "Interview 1":
            out.append(note("Interview held in a café.", "Ben", "source", source))
        out.append("</TextSource>")
    out += ["</Sources>", "<Notes>"]
    for guid, user, text in notes:
        out.append(
            f"<Note guid={quoteattr(guid)} name=\"Memo\" creatingUser={quoteattr(gid('user', user))}>"
            f"<PlainTextContent>{escape(text)}</PlainTextContent></Note>"
        )
    out += ["</Notes>", "</Project>"]
    qde = "\n".join(out).encode("utf-8")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        for source in ("Interview 1", "Interview 2", "Interview 3"):
            member = f"{shape.folder}/{gid('file', source)}.txt"
            zf.writestr(member, source_text(shape, source).encode("utf-8"))
    return path


def _codes(parent: str | None, gid: _Ids, note: object) -> list[str]:
    out = []
    for name, up, codable, colour, description in CODES:
        if up != parent:
            continue
        attrs = f"guid={quoteattr(gid('code', name))} name={quoteattr(name)}"
        attrs += f' isCodable="{str(codable).lower()}"'
        attrs += f" color={quoteattr(colour)}" if colour else ""
        body = f"<Description>{escape(description)}</Description>" if description else ""
        body += "".join(_codes(name, gid, note))
        if name == "Bribery":
            assert callable(note)
            body += note("Check with the second coder.", "Cem", "code", name)
        out.append(f"<Code {attrs}>{body}</Code>")
    return out


def _value(variable: str, kind: str, value: str) -> str:
    return (
        f"<VariableValue><VariableRef targetGUID={quoteattr(variable)}/>"
        f"<{kind}Value>{escape(value)}</{kind}Value></VariableValue>"
    )
