"""Document attributes from a spreadsheet or the command line, typed through the ``variables`` table.

Each attribute has one type for the whole project (``variables.type``): the narrowest of boolean,
integer, float, date and text that every value of it fits, old values and new, so a column of ages
sorts as numbers and a column of interview dates as dates. Values are stored typed in
``documents.attributes``; an empty cell (or R's ``NA``) leaves a value as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qcode.attributes import Value, attribute_text, described, infer_type, odd_values, parse
from qcode.errors import InputError, NotFoundError
from qcode.exchange.sheets import Sheet
from qcode.store.base import new_guid
from qcode.store.events import log_event
from qcode.store.models import Document, Variable
from qcode.text import plural

#: Cells that mean "no value".
MISSING = frozenset({"", "NA"})


@dataclass(frozen=True)
class KeptAsText:
    """An attribute kept as text because a few of its values do not fit the type the others have."""

    key: str
    kind: str  # the type the other values have (``date``, ``integer``…)
    value: str  # the first value that does not fit it
    where: str  # where that value is: ``people.csv:4``, or ``document Z``
    others: int  # how many more values do not fit

    @property
    def message(self) -> str:
        """One line naming the value and where it is, and why the attribute stays text."""
        more = f" (nor {plural(self.others, 'other value')})" if self.others else ""
        return (
            f"{self.where}: warning: {self.key} {self.value!r} is not {described(self.kind)}{more}; "
            f"attribute {self.key!r} is kept as text: it is typed {self.kind} only when every value fits"
        )


@dataclass(frozen=True)
class AttributesReport:
    """What an attributes import did."""

    path: str
    matched: tuple[str, ...]
    unmatched: tuple[tuple[int, str], ...]  # (line, name) of rows naming no document
    types: dict[str, str]
    values_set: int
    kept_as_text: tuple[KeptAsText, ...] = ()


@dataclass(frozen=True)
class AttributesSet:
    """One document's attributes after ``attributes set``, and any attribute a value kept as text."""

    attributes: dict[str, Value]
    kept_as_text: tuple[KeptAsText, ...] = ()


def import_attributes(session: Session, sheet: Sheet, *, actor: str = "system") -> AttributesReport:
    """Set the attributes of every document a row of ``sheet`` names (by name, then ignoring case)."""
    docs = {name: doc_id for name, doc_id in session.execute(select(Document.name, Document.id))}
    folded = {name.casefold(): name for name in docs}
    wanted: dict[int, dict[str, str]] = {}
    lines: dict[tuple[int, str], int] = {}  # (document, key) → the row whose value is kept
    matched: list[str] = []
    unmatched: list[tuple[int, str]] = []
    for line, name, cells in sheet.rows:
        found = name if name in docs else folded.get(name.casefold())
        if found is None:
            unmatched.append((line, name))
            continue
        matched.append(found)
        values = {k: v for k, v in cells.items() if v.strip() not in MISSING}
        wanted.setdefault(docs[found], {}).update(values)
        lines.update(((docs[found], key), line) for key in values)
    names = {doc_id: name for name, doc_id in docs.items()}

    def where(doc_id: int, key: str) -> str:
        line = lines.get((doc_id, key))
        return f"{sheet.path}:{line}" if line is not None else f"document {names[doc_id]}"

    types, count, kept = _apply(session, wanted, where)
    log_event(
        session, actor, "attributes.import", file=sheet.path, matched=matched,
        unmatched=[name for _line, name in unmatched], types=types,
    )  # fmt: skip
    return AttributesReport(sheet.path, tuple(matched), tuple(unmatched), types, count, kept)


def set_attributes(
    session: Session, document: str, pairs: Sequence[tuple[str, str]], *, actor: str = "system"
) -> AttributesSet:
    """Set (or, with an empty value, remove) attributes of one document; returns its attributes."""
    found = session.execute(
        select(Document.id, Document.attributes).where(Document.name == document)
    ).one_or_none()
    if found is None:
        raise NotFoundError(f"no document named {document!r}")
    doc_id, attributes = found
    for key, _value in pairs:
        if not key.strip() or len(key.strip()) > 200:
            raise InputError(f"attribute name {key!r} must be 1 to 200 characters")
    removed = {k.strip() for k, v in pairs if v.strip() == ""}
    if removed:
        left = {k: v for k, v in (attributes or {}).items() if k not in removed}
        session.execute(update(Document), [{"id": doc_id, "attributes": left}])
    names = {i: name for i, name in session.execute(select(Document.id, Document.name))}
    _types, _count, kept = _apply(
        session,
        {doc_id: {k.strip(): v for k, v in pairs if v.strip()}},
        lambda other, _key: f"document {names[other]}",
    )
    log_event(session, actor, "attributes.set", document=document, set=dict(pairs))
    attributes = dict(session.scalar(select(Document.attributes).where(Document.id == doc_id)) or {})
    return AttributesSet(attributes, kept)


def _apply(
    session: Session, wanted: Mapping[int, Mapping[str, str]], where: Callable[[int, str], str]
) -> tuple[dict[str, str], int, tuple[KeptAsText, ...]]:
    """Write the new texts typed: each attribute's type fits its old values and the new ones.

    Also returns the attributes a few values keep as text, each value placed by ``where``.
    """
    keys = sorted({k for values in wanted.values() for k in values})
    if not keys:
        return {}, 0, ()
    docs = [(i, dict(a or {})) for i, a in session.execute(select(Document.id, Document.attributes))]
    variables = {v.name: v for v in session.scalars(select(Variable).where(Variable.name.in_(keys)))}
    types: dict[str, str] = {}
    kept: list[KeptAsText] = []
    for key in keys:
        found = [(i, attribute_text(a.get(key))) for i, a in docs if key not in wanted.get(i, {})]
        found += [(i, values[key]) for i, values in wanted.items() if key in values]
        texts = [text for _i, text in found]
        types[key] = infer_type(texts)
        odd = odd_values(texts) if types[key] == "text" else None
        if odd is not None:
            kind, misfits = odd
            misfits.sort(key=lambda n: found[n][0] not in wanted)  # name a value given now first
            doc_id, value = found[misfits[0]]
            kept.append(KeptAsText(key, kind, value.strip(), where(doc_id, key), len(misfits) - 1))
        row = variables.get(key)
        if row is None:
            session.add(Variable(guid=new_guid(), name=key, type=types[key]))
        else:
            row.type = types[key]
    count = 0
    changes = []
    for doc_id, attrs in docs:
        new = wanted.get(doc_id, {})
        before = dict(attrs)
        for key in keys:
            if key in new:
                attrs[key] = parse(new[key], types[key])
                count += 1
            elif attribute_text(attrs.get(key)).strip():
                attrs[key] = parse(attribute_text(attrs[key]), types[key])
        if attrs != before or any(type(attrs[k]) is not type(before.get(k)) for k in attrs):
            changes.append({"id": doc_id, "attributes": attrs})
    if changes:
        session.execute(update(Document), changes)
    session.flush()
    return types, count, tuple(kept)
