"""The project's codebook in the database: load a version safely, merge, rename, split, show.

Codes are matched by their stable id (``Code.key``), so a rename keeps its codings. A code that
disappears while it still has codings is refused unless ``force``; every change is logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, aliased

from qcode.codebook.model import Codebook, CodeSpec
from qcode.errors import ConflictError
from qcode.names import Names
from qcode.store.events import log_event
from qcode.store.models import Code, Coding, Setting
from qcode.text import plural

#: Shown for a code the codebook gives no colour (the code itself keeps none).
NEUTRAL_COLOUR = "#888888"

_TEMP = "~parked~"  # prefix of names held for a moment while names or hotkeys swap


@dataclass
class LoadReport:
    """What loading a codebook version changed (code names)."""

    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    dropped_codings: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CodeNode:
    """A code in the project's tree, with how often it was applied (all coders)."""

    key: str
    name: str
    parent: str | None
    hotkey: str | None
    colour: str
    description: str
    codings: int
    depth: int


def coding_counts(session: Session) -> dict[str, int]:
    """Codings per code key (codes never applied are absent)."""
    rows = session.execute(
        select(Code.key, func.count(Coding.id)).join(Coding, Coding.code_id == Code.id).group_by(Code.key)
    )
    return {key: n for key, n in rows.all()}


def load_codebook(
    session: Session, codebook: Codebook, *, force: bool = False, actor: str = "system"
) -> LoadReport:
    """Make the project's codes equal to ``codebook``, keeping codings through renames.

    Raises:
        ConflictError: a code to be removed still has codings and ``force`` is false.
    """
    existing = {c.key: c for c in session.scalars(select(Code))}
    incoming = {spec.id: spec for spec in codebook.codes}
    counts = coding_counts(session)
    report = LoadReport()
    gone = [existing[k] for k in existing if k not in incoming]
    in_use = {c.name: counts[c.key] for c in gone if counts.get(c.key)}
    if in_use and not force:
        listed = ", ".join(f"{name} ({plural(n, 'coding')})" for name, n in sorted(in_use.items()))
        raise ConflictError(
            f"{codebook.name}: would remove codes that still have codings: {listed}; "
            "merge them first (`qcode codebook merge OLD INTO`) or pass --force to drop them"
        )
    report.dropped_codings = in_use
    old_names = {key: code.name for key, code in existing.items()}
    # Park every surviving code's unique name and hotkey so swaps cannot collide half-way.
    for code in existing.values():
        if code.key in incoming:
            code.name, code.hotkey = _TEMP + code.guid, None
    for code in existing.values():
        code.parent_id = None
    session.flush()
    for code in gone:
        session.delete(code)
        report.removed.append(code.name)
    session.flush()
    rows: dict[str, Code] = {}
    for ordinal, spec in enumerate(codebook.codes):
        found = existing.get(spec.id)
        if found is None:
            code = Code(key=spec.id, guid=spec.effective_guid)
            session.add(code)
            report.added.append(spec.name)
        else:
            code = found
        if found is not None and old_names[spec.id] != spec.name:
            report.renamed.append((old_names[spec.id], spec.name))
        _fill(code, spec, ordinal, codebook.is_codable(spec))
        rows[spec.id] = code
    session.flush()
    for spec in codebook.codes:
        rows[spec.id].parent_id = rows[spec.parent].id if spec.parent else None
    _remember(session, codebook)
    session.flush()
    log_event(
        session,
        actor,
        "codebook.load",
        codebook=codebook.name,
        version=codebook.version,
        added=report.added,
        renamed=report.renamed,
        removed=report.removed,
        dropped_codings=report.dropped_codings,
    )
    return report


def _fill(code: Code, spec: CodeSpec, ordinal: int, codable: bool) -> None:
    code.name, code.hotkey, code.colour, code.ordinal = spec.name, spec.hotkey, spec.colour, ordinal
    code.description, code.inclusion, code.exclusion = spec.description, spec.inclusion, spec.exclusion
    code.example_text, code.example_interviewee = spec.example_text, spec.example_interviewee
    code.keywords = list(spec.keywords)
    code.codable = codable
    if spec.guid:
        code.guid = spec.guid


def _remember(session: Session, codebook: Codebook) -> None:
    for key, value in (("codebook_name", codebook.name), ("codebook_version", str(codebook.version))):
        setting = session.get(Setting, key)
        if setting is None:
            session.add(Setting(key=key, value=value))
        else:
            setting.value = value


def project_codebook(session: Session) -> Codebook:
    """The project's codes as a :class:`Codebook` (for export and for the coding screen)."""
    codes = session.scalars(select(Code).order_by(Code.ordinal, Code.id)).all()
    keys = {c.id: c.key for c in codes}
    name = session.get(Setting, "codebook_name")
    version = session.get(Setting, "codebook_version")
    specs = tuple(
        CodeSpec(
            id=c.key,
            name=c.name,
            parent=keys.get(c.parent_id) if c.parent_id else None,
            description=c.description,
            inclusion=c.inclusion,
            exclusion=c.exclusion,
            example_text=c.example_text,
            example_interviewee=c.example_interviewee,
            keywords=tuple(c.keywords),
            hotkey=c.hotkey,
            colour=c.colour,
            codable=c.codable,
            guid=c.guid,
        )
        for c in codes
    )
    return Codebook(
        name=name.value if name else "project", version=int(version.value) if version else 1, codes=specs
    )


def code_tree(session: Session) -> list[CodeNode]:
    """The code hierarchy depth-first in codebook order, with coding counts."""
    codebook = project_codebook(session)
    counts = coding_counts(session)
    out: list[CodeNode] = []

    def walk(parent: str | None, depth: int) -> None:
        for spec in codebook.children(parent):
            out.append(
                CodeNode(
                    spec.id,
                    spec.name,
                    spec.parent,
                    spec.hotkey,
                    spec.colour or NEUTRAL_COLOUR,
                    spec.description,
                    counts.get(spec.id, 0),
                    depth,
                )
            )
            walk(spec.id, depth + 1)

    walk(None, 0)
    return out


def find_code(session: Session, name_or_key: str) -> Code:
    """A code by stable id or name, in any case.

    Raises:
        NotFoundError: naming the closest existing codes.
    """
    codes = session.scalars(select(Code).order_by(Code.ordinal, Code.key)).all()
    return Names("code", [(c.key, c) for c in codes] + [(c.name, c) for c in codes]).find(name_or_key)


def merge_codes(session: Session, old: str, into: str, *, actor: str = "system") -> int:
    """Move every coding of ``old`` to ``into`` and remove ``old``; returns codings moved.

    A segment a coder had coded with both keeps one coding. Children of ``old`` move under ``into``.
    """
    src, dst = find_code(session, old), find_code(session, into)
    if src.id == dst.id:
        raise ConflictError(f"cannot merge code {src.name!r} into itself")
    _drop_overlaps(session, src.id, dst.id)
    moved = _count_codings(session, src.id)
    session.execute(update(Coding).where(Coding.code_id == src.id).values(code_id=dst.id))
    session.execute(update(Code).where(Code.parent_id == src.id).values(parent_id=dst.id))
    session.delete(src)
    session.flush()
    log_event(session, actor, "codebook.merge", code=src.key, name=src.name, into=dst.key, moved=moved)
    return moved


def _drop_overlaps(session: Session, src_id: int, dst_id: int) -> None:
    """Delete codings of ``src`` on segments where the same coder already applied ``dst``."""
    other = aliased(Coding)
    session.execute(
        delete(Coding).where(
            Coding.code_id == src_id,
            select(other.id)
            .where(
                other.code_id == dst_id,
                other.coder_id == Coding.coder_id,
                other.segment_id == Coding.segment_id,
            )
            .exists(),
        )
    )


def rename_code(session: Session, old: str, new: str, *, actor: str = "system") -> None:
    """Give a code a new name; its stable id and codings stay."""
    code = find_code(session, old)
    clash = session.scalar(select(Code).where(func.lower(Code.name) == new.lower(), Code.id != code.id))
    if clash is not None:
        raise ConflictError(f"a code named {clash.name!r} already exists")
    previous, code.name = code.name, new
    session.flush()
    log_event(session, actor, "codebook.rename", code=code.key, name=previous, to=new)


def split_code(
    session: Session, old: str, new_names: Sequence[str], *, to: str | None = None, actor: str = "system"
) -> list[str]:
    """Split a code into new sub-codes; the old code becomes their group.

    Its codings move to ``to`` (default: the first new code), so nothing is lost and coders can
    re-sort them. Returns the new codes' stable ids.
    """
    from qcode.codebook.naming import free_hotkey, unique_id

    code = find_code(session, old)
    if len(new_names) < 2:
        raise ConflictError("a split needs at least two new codes")
    target_name = to or new_names[0]
    if target_name not in new_names:
        raise ConflictError(f"--to {target_name!r} is not one of the new codes {', '.join(new_names)}")
    keys = set(session.scalars(select(Code.key)))
    hotkeys = {k for k in session.scalars(select(Code.hotkey)) if k}
    names = {n.lower() for n in session.scalars(select(Code.name))}
    created: dict[str, Code] = {}
    for ordinal, name in enumerate(new_names):
        if name.lower() in names:
            raise ConflictError(f"a code named {name!r} already exists")
        key = unique_id(name, keys)
        hotkey = free_hotkey(name, hotkeys | {code.hotkey} if code.hotkey else hotkeys)
        keys.add(key)
        if hotkey:
            hotkeys.add(hotkey)
        created[name] = Code(
            key=key,
            name=name,
            parent_id=code.id,
            hotkey=hotkey,
            colour=code.colour,
            description=f"Split from {code.name}: {code.description}".strip(),
            ordinal=code.ordinal * 100 + ordinal + 1,
        )
    session.add_all(created.values())
    session.flush()
    moved = _count_codings(session, code.id)
    session.execute(update(Coding).where(Coding.code_id == code.id).values(code_id=created[target_name].id))
    code.hotkey = None
    session.flush()
    log_event(
        session,
        actor,
        "codebook.split",
        code=code.key,
        into=[c.key for c in created.values()],
        codings_to=created[target_name].key,
        moved=moved,
    )
    return [c.key for c in created.values()]


def _count_codings(session: Session, code_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Coding).where(Coding.code_id == code_id)) or 0
