"""Which coders and codes a comparison is about: names (or code keys) resolved, with close names suggested."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from qcode.errors import InputError
from qcode.names import Names
from qcode.store.models import Code, Coder, Coding


@dataclass(frozen=True)
class CodeRef:
    """A code to report on: row id, name, and whether it has child codes."""

    id: int
    name: str
    has_children: bool


def code_ancestors(session: Session) -> dict[int, tuple[int, ...]]:
    """Each code id with itself and every code above it (parent, grandparent…), nearest first.

    Group codes aggregate their children (as MAXQDA and NVivo do on request): a segment has a group
    when a coder applied the group or any code under it. The wide export, ``report matrix`` and
    agreement read codings through this map, so the three agree on what a group means.
    """
    parent: dict[int, int | None] = {i: up for i, up in session.execute(select(Code.id, Code.parent_id))}
    out: dict[int, tuple[int, ...]] = {}
    for code_id in parent:
        chain, seen, up = [code_id], {code_id}, parent[code_id]
        while up is not None and up not in seen:  # a cycle cannot be stored, but never loop
            chain.append(up)
            seen.add(up)
            up = parent.get(up)
        out[code_id] = tuple(chain)
    return out


def resolve_coders(
    session: Session, names: Sequence[str] | None, *, consensus: bool = False
) -> list[tuple[int, str]]:
    """The compared coders (id, name): those named, or every coder with codings, by name.

    A consensus coder (adjudication's) is compared only when named or with ``consensus``.

    Raises:
        NotFoundError: an unknown name (the closest names suggested).
        InputError: fewer than two coders.
    """
    if names is None:
        active = select(Coding.coder_id).where(Coding.coder_id == Coder.id).exists()
        stmt = select(Coder.id, Coder.name).where(active).order_by(Coder.name)
        if not consensus:
            stmt = stmt.where(Coder.role == "coder")
        chosen = [(r.id, r.name) for r in session.execute(stmt)]
        if len(chosen) < 2:
            who = ", ".join(n for _, n in chosen) or "none"
            raise InputError(f"agreement needs two or more coders with codings; found {len(chosen)} ({who})")
        return chosen
    rows = session.execute(select(Coder.id, Coder.name))
    everyone = Names("coder", [(r.name, (r.id, r.name)) for r in rows])
    chosen = []
    for found in everyone.find_all(list(dict.fromkeys(names))):
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
    lookup = Names("code", [(r.key, r.id) for r in ordered] + [(r.name, r.id) for r in ordered])
    wanted = set(lookup.find_all(names))
    return [ref for ref in refs.values() if ref.id in wanted]
