"""Attribution lines (``A (Male, Arab Emirates)``) and the place names they use.

The report attributes each quotation with a line such as ``A (Male, Arab Emirates)``,
written with many small variations: a leading dash or dot, spaces inside the
parentheses, an age before the gender, a footnote number glued to the end, and
different spellings of a country. :func:`parse_attribution` reads them all and lists
each variation it repaired in :attr:`Attribution.repairs`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_INTERVIEWEE = re.compile(r"^(?P<lead>[-–.·]\s*)?(?P<id>[A-Z])\s*\((?P<body>[^()]*)\)\s*(?P<fn>\d{1,3})?\s*$")
_ROLE = re.compile(
    r"^(?P<role>(?:[A-Z][\w-]*\s+){0,4}(?:Minister|Pastor|Priest|Missionary|Reverend))"
    r"\s*,\s*(?P<place>[A-Z][^,()]*)$"
)
_AGE = re.compile(r"^\d{1,3}$")
_GENDERS = {"male": "Male", "m": "Male", "female": "Female", "f": "Female", "fe": "Female"}

#: Spellings of places met in the report → the spelling qcode records.
PLACE_SPELLINGS: dict[str, str] = {
    "russia": "Russia",
    "china": "China",
    "kuwait": "Kuwait",
    "yemen": "Yemen",
    "arab emirates": "Arab Emirates",
    "united arab emirates": "United Arab Emirates",
    "czech republic": "Czech Republic",
    "the czech republic": "Czech Republic",
    "czech": "Czech Republic",
    "czeck": "Czech Republic",
    "czeck republic": "Czech Republic",
    "libya": "Libya",
    "lybia": "Libya",
    "dandong": "Dandong",
    "abu dhabi": "Abu Dhabi",
}
#: Cities named in Table 1 → the country they are in.
CITY_COUNTRY: dict[str, str] = {"Dandong": "China", "Abu Dhabi": "Arab Emirates"}


@dataclass(frozen=True)
class Attribution:
    """A parsed attribution line.

    Attributes:
        name: transcript name: the interviewee letter, or ``"minister"`` for a role.
        raw: the line as written (stripped).
        age: age in years if the line gives one.
        gender: ``"Male"`` / ``"Female"`` if given.
        places: places as written (trimmed), in order.
        role: the speaker's role for a non-interviewee (``"Korean Church Minister"``).
        footnote: a footnote number glued to the end of the line, if any.
        repairs: human-readable notes on each variation that was repaired.
    """

    name: str
    raw: str
    age: str | None = None
    gender: str | None = None
    places: tuple[str, ...] = ()
    role: str | None = None
    footnote: str | None = None
    repairs: tuple[str, ...] = ()


def canonical_place(place: str) -> str | None:
    """Return qcode's spelling of a known place, or ``None`` if unknown."""
    return PLACE_SPELLINGS.get(" ".join(place.split()).lower())


def parse_attribution(text: str) -> Attribution | None:
    """Parse an attribution line, or return ``None`` if the line is not one."""
    text = text.strip()
    match = _INTERVIEWEE.match(text)
    if match:
        return _interviewee(text, match)
    role = _ROLE.match(" ".join(text.split()))
    if role:
        name = role.group("role").split()[-1].lower()
        place = role.group("place").strip()
        return Attribution(name=name, raw=text, role=role.group("role"), places=(place,))
    return None


def _interviewee(text: str, match: re.Match[str]) -> Attribution | None:
    repairs: list[str] = []
    if match.group("lead"):
        repairs.append(f"stray {match.group('lead').strip()!r} before the interviewee letter")
    body = match.group("body")
    parts = [part.strip() for part in body.split(",")]
    if body != ", ".join(parts):
        repairs.append("extra spaces inside the parentheses")
    age = gender = None
    places: list[str] = []
    for part in parts:
        if _AGE.match(part) and age is None and gender is None:
            age = part
        elif part.lower() in _GENDERS and gender is None:
            gender = _GENDERS[part.lower()]
        elif part:
            places.append(part)
    if gender is None and age is None and not places:
        return None
    if age is not None:
        repairs.append(f"age {age} given before the gender; recorded as the 'age' attribute")
    footnote = match.group("fn")
    if footnote:
        repairs.append(f"footnote marker {footnote} glued to the attribution removed")
    return Attribution(
        name=match.group("id"),
        raw=text,
        age=age,
        gender=gender,
        places=tuple(places),
        footnote=footnote,
        repairs=tuple(repairs),
    )
