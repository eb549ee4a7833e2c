"""Document attributes from a spreadsheet or the command line, typed through the ``variables`` table.

Each attribute has one type for the whole project (``variables.type``): the narrowest of boolean,
integer, float, date and text that every value of it fits, old values and new, so a column of ages
sorts as numbers and a column of interview dates as dates. Values are stored typed in
``documents.attributes``; an empty cell (or R's ``NA``) leaves a value as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qcode.attributes import Value, attribute_text, infer_type, parse
from qcode.errors import InputError, NotFoundError
from qcode.exchange.sheets import Sheet
from qcode.store.base import new_guid
from qcode.store.events import log_event
from qcode.store.models import Document, Variable

#: Cells that mean "no value".
MISSING = frozenset({"", "NA"})


@dataclass(frozen=True)
class AttributesReport:
    """What an attributes import did."""

    path: str
    matched: tuple[str, ...]
    unmatched: tuple[tuple[int, str], ...]  # (line, name) of rows naming no document
    types: dict[str, str]
    values_set: int


def import_attributes(session: Session, sheet: Sheet, *, actor: str = "system") -> AttributesReport:
    """Set the attributes of every document a row of ``sheet`` names (by name, then ignoring case)."""
    docs = {name: doc_id for name, doc_id in session.execute(select(Document.name, Document.id))}
    folded = {name.casefold(): name for name in docs}
    wanted: dict[int, dict[str, str]] = {}
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
    types, count = _apply(session, wanted)
    log_event(
        session, actor, "attributes.import", file=sheet.path, matched=matched,
        unmatched=[name for _line, name in unmatched], types=types,
    )  # fmt: skip
    return AttributesReport(sheet.path, tuple(matched), tuple(unmatched), types, count)


def set_attributes(
    session: Session, document: str, pairs: Sequence[tuple[str, str]], *, actor: str = "system"
) -> dict[str, Value]:
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
        kept = {k: v for k, v in (attributes or {}).items() if k not in removed}
        session.execute(update(Document), [{"id": doc_id, "attributes": kept}])
    _apply(session, {doc_id: {k.strip(): v for k, v in pairs if v.strip()}})
    log_event(session, actor, "attributes.set", document=document, set=dict(pairs))
    return dict(session.scalar(select(Document.attributes).where(Document.id == doc_id)) or {})


def _apply(session: Session, wanted: Mapping[int, Mapping[str, str]]) -> tuple[dict[str, str], int]:
    """Write the new texts typed: each attribute's type fits its old values and the new ones."""
    keys = sorted({k for values in wanted.values() for k in values})
    if not keys:
        return {}, 0
    docs = [(i, dict(a or {})) for i, a in session.execute(select(Document.id, Document.attributes))]
    variables = {v.name: v for v in session.scalars(select(Variable).where(Variable.name.in_(keys)))}
    types: dict[str, str] = {}
    for key in keys:
        texts = [attribute_text(a.get(key)) for i, a in docs if key not in wanted.get(i, {})]
        texts += [values[key] for values in wanted.values() if key in values]
        types[key] = infer_type(texts)
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
    return types, count
