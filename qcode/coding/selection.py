"""Which coders and codes a comparison is about: names (or code keys) resolved, with close names suggested."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from qcode.errors import InputError, NotFoundError
from qcode.store.models import Code, Coder, Coding


@dataclass(frozen=True)
class CodeRef:
    """A code to report on: row id, name, and whether it has child codes."""

    id: int
    name: str
    has_children: bool


def resolve_coders(session: Session, names: Sequence[str] | None) -> list[tuple[int, str]]:
    """The compared coders (id, name): those named, or every coder with codings, by name.

    Raises:
        NotFoundError: an unknown name (the closest names suggested).
        InputError: fewer than two coders.
    """
    everyone = {r.name: r.id for r in session.execute(select(Coder.id, Coder.name))}
    if names is None:
        active = select(Coding.coder_id).where(Coding.coder_id == Coder.id).exists()
        chosen = [
            (r.id, r.name)
            for r in session.execute(select(Coder.id, Coder.name).where(active).order_by(Coder.name))
        ]
        if len(chosen) < 2:
            who = ", ".join(n for _, n in chosen) or "none"
            raise InputError(f"agreement needs two or more coders with codings; found {len(chosen)} ({who})")
        return chosen
    chosen = []
    for name in dict.fromkeys(names):
        found = _lookup(name, everyone, "coder")
        if found not in chosen:
            chosen.append(found)
    if len(chosen) < 2:
        who = ", ".join(n for _, n in chosen) or "none"
        raise InputError(f"agreement needs two or more coders; got {len(chosen)} ({who})")
    return chosen


def resolve_codes(session: Session, names: Sequence[str] | None) -> list[CodeRef]:
    """The reported codes: those named (by name, any case, or key), or every leaf code, in codebook order.

    Raises:
        NotFoundError: an unknown name (the closest names suggested).
        InputError: the codebook has no codes.
    """
    child = aliased(Code)
    rows = session.execute(
        select(
            Code.id,
            Code.key,
            Code.name,
            Code.parent_id,
            Code.ordinal,
            select(child.id).where(child.parent_id == Code.id).exists().label("parent"),
        )
    ).all()
    if not rows:
        raise InputError("the codebook has no codes: load one with `qcode codebook load`")
    by_parent: dict[int | None, list[Any]] = {}
    for r in sorted(rows, key=lambda r: (r.ordinal, r.name)):
        by_parent.setdefault(r.parent_id, []).append(r)
    ordered: list[Any] = []
    stack = list(reversed(by_parent.get(None, [])))
    while stack:
        r = stack.pop()
        ordered.append(r)
        stack.extend(reversed(by_parent.get(r.id, [])))
    refs = {r.id: CodeRef(r.id, r.name, bool(r.parent)) for r in ordered}
    if names is None:
        return [ref for ref in refs.values() if not ref.has_children]
    lookup = {r.name.casefold(): r.id for r in ordered} | {r.key: r.id for r in ordered}
    wanted = {_lookup(name, lookup, "code", fold=True)[0] for name in names}
    return [ref for ref in refs.values() if ref.id in wanted]


def _lookup(name: str, known: Mapping[str, int], what: str, *, fold: bool = False) -> tuple[int, str]:
    for candidate in (name, name.strip(), name.strip().casefold()):
        if candidate in known:
            return known[candidate], candidate
    if not fold:
        folded = [k for k in known if k.casefold() == name.strip().casefold()]
        if len(folded) == 1:
            return known[folded[0]], folded[0]
    close = difflib.get_close_matches(name.strip().casefold() if fold else name.strip(), list(known), n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise NotFoundError(f"no {what} named {name!r}{hint}")
