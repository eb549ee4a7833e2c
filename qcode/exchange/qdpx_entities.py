"""Users, codes and sources of a .qdpx → coders, codes and transcripts of the project."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from qcode.codebook import naming
from qcode.coding.roles import CONSENSUS
from qcode.errors import RoleError
from qcode.exchange.criteria import Criteria, read_description
from qcode.exchange.qdpx_model import QProject, QSource, Value, canonical_guid
from qcode.ingest.types import ParsedPassage
from qcode.store.base import new_guid, utcnow
from qcode.store.models import Code, Coder, Passage, Segment, Variable

GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
#: Coder of codings whose file names no user at all.
UNATTRIBUTED = "(unattributed)"
#: A block of non-blank lines, without the blanks around it.
_BLOCK = re.compile(r"[^\s](?:[^\r\n]*[^\s])?(?:(?:\r\n|\r|\n)[ \t\f\v]*[^\s](?:[^\r\n]*[^\s])?)*")
_EXTENSIONS = (".txt", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".md", ".html", ".htm")


class CoderResolver:
    """Users → coders: by GUID, then by name, else created (also for unknown creatingUser GUIDs)."""

    def __init__(self, session: Session, project: QProject, created: list[str]) -> None:
        self.session, self.created = session, created
        rows = session.execute(select(Coder.id, Coder.guid, Coder.name, Coder.role)).all()
        self.project = project
        self.by_guid = {g: i for i, g, _, _r in rows}
        self.new_consensus: set[int] = set()
        self.by_exact = {n: i for i, _, n, _r in rows}
        self.by_name = {n.casefold(): i for i, _, n, _r in rows}
        #: coders standing for one of the file's user GUIDs (never matched by name to another user)
        self.claimed = {
            self.by_guid[g] for g in map(canonical_guid, (u.guid for u in project.users)) if g in self.by_guid
        }
        self.consensus = {i: n for i, _g, n, role in rows if role == CONSENSUS}
        self.names = {canonical_guid(u.guid): u.name for u in project.users}
        self.fallback = canonical_guid(project.user) if project.user else None

    def create_all(self, project: QProject) -> None:
        """Every user of the file becomes a coder, whether or not they coded anything."""
        for user in project.users:
            if user.guid.strip():
                self.id_for(user.guid, writing=False)

    def id_for(self, user: str | None, *, writing: bool = True) -> int:
        """The coder for a user GUID (``None``: the project's creating user, else an unattributed coder).

        Raises:
            RoleError: the work would be written to a consensus coder (only adjudication writes one).
        """
        guid = canonical_guid(user) if user else self.fallback
        if guid is None:
            found = self._get(None, UNATTRIBUTED)
        else:
            found = self._get(guid, (self.names.get(guid) or "").strip() or f"user {guid[:8]}")
        # a consensus this import creates (consensus in the qcode file) brings its record along;
        # an existing one is written only by adjudication (or merged)
        if writing and found in self.consensus and found not in self.new_consensus:
            raise RoleError(
                f"the file's user {self.consensus[found]!r} is this project's consensus coder: only "
                "adjudication writes it (`qcode merge` the file to bring in the coders' work)"
            )
        return found

    def _get(self, guid: str | None, name: str) -> int:
        if guid is not None and guid in self.by_guid:
            return self.by_guid[guid]
        if name in self.by_exact:
            found = self.by_exact[name]
        elif name.casefold() in self.by_name and self.by_name[name.casefold()] not in self.claimed:
            # another program may write a name in another case; a case variant another user of this
            # file already is stays a person of their own (users are GUIDs, names only labels)
            found = self.by_name[name.casefold()]
        else:
            new = guid if guid is not None and GUID_RE.match(guid) else new_guid()
            role = self.project.role_of(guid) if guid is not None else "coder"
            found = self.session.execute(
                insert(Coder)
                .values(guid=new, name=name[:200], role=role, created_at=utcnow())
                .returning(Coder.id)
            ).scalar_one()
            if role == CONSENSUS:
                self.consensus[found] = name
                self.new_consensus.add(found)
            self.by_name.setdefault(name.casefold(), found)
            self.by_exact[name[:200]] = found
            self.created.append(name)
        if guid is not None:
            self.by_guid[guid] = found
            self.claimed.add(found)
        return found


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "code"


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate.casefold() in taken:
        candidate, n = f"{base}-{n}" if base[-1:].isalnum() else f"{base}{n}", n + 1
    taken.add(candidate.casefold())
    return candidate


def _colour(value: str | None) -> str | None:
    """``#rgb`` or ``#rrggbb`` as ``#rrggbb``; ``None`` where the file gives no colour."""
    value = (value or "").strip()
    if re.fullmatch(r"#[0-9A-Fa-f]{3}", value):
        return "#" + "".join(ch * 2 for ch in value[1:]).lower()
    if re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        return value.lower()
    return None


def import_codes(
    session: Session, project: QProject, created: list[str], matched: list[str]
) -> dict[str, int]:
    """Codes → ids (keyed by canonical GUID): by GUID, then by name, else created with hierarchy,
    ``isCodable``, colour, description and the criteria its prose carries (and key, hotkey and
    ordinal from a qcode-written file); a codable code gets a free hotkey if the file gives none."""
    rows = session.execute(select(Code.id, Code.guid, Code.key, Code.name, Code.hotkey, Code.ordinal)).all()
    by_guid = {g: i for i, g, *_ in rows}
    by_name = {n.casefold(): i for i, _g, _k, n, *_ in rows}
    keys = {k.casefold() for _i, _g, k, *_ in rows}
    names = {n.casefold() for _i, _g, _k, n, *_ in rows}
    hotkeys = {h for *_, h, _o in rows if h}
    ordinal = max((o for *_, o in rows), default=0)
    extra: dict[str, Any] = (project.layout or {}).get("codes", {})
    # the file's own hotkeys first: a key made up for an earlier code must not take a later one's
    wanted = (m.get("hotkey") for m in extra.values() if isinstance(m, dict))
    asked = {str(k) for k in wanted if naming.usable_hotkey(k)} - hotkeys
    out: dict[str, int] = {}
    for code, parent in project.all_codes():
        guid = canonical_guid(code.guid)
        found = by_guid.get(guid, by_name.get(code.name.strip().casefold()))
        if found is not None:
            out[guid] = found
            matched.append(code.name)
            continue
        more = extra.get(guid, extra.get(code.guid, {}))
        ordinal += 1
        name = code.name.strip()[:190] or "code"
        if name.casefold() in names:
            name = _unique(f"{name} ({parent.name.strip()[:60]})" if parent else name, names)
        names.add(name.casefold())
        hotkey = _hotkey(more.get("hotkey"), name, code.codable, hotkeys, asked)
        new_id = guid if GUID_RE.match(guid) and guid not in by_guid else new_guid()
        found_criteria = read_description(code.description)
        values = {
            "guid": new_id,
            "key": _unique(str(more.get("key") or _slug(code.name))[:190], keys),
            "name": name,
            "parent_id": out.get(canonical_guid(parent.guid)) if parent else None,
            "colour": _colour(code.colour),
            "codable": code.codable,
            "hotkey": hotkey,
            "ordinal": _ordinal(more.get("ordinal"), ordinal),
            "created_at": utcnow(),
            **_criteria_columns(found_criteria, more),
        }
        out[guid] = session.execute(insert(Code).values(**values).returning(Code.id)).scalar_one()
        by_guid[new_id] = out[guid]
        created.append(name)
    return out


def _hotkey(wanted: object, name: str, codable: bool, taken: set[str], asked: set[str]) -> str | None:
    """A new code's hotkey, added to ``taken``: the file's own (a qcode-written one) if usable and free,
    else one made up as for split and ``.qdc`` codes, leaving the keys the file ``asked`` for others;
    none for a code coders do not apply."""
    if not codable:
        return None
    usable = naming.usable_hotkey(wanted) and wanted not in taken
    hotkey = str(wanted) if usable else naming.free_hotkey(name, taken | asked)
    if hotkey is not None:
        taken.add(hotkey)
    return hotkey


def _ordinal(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**31 else default


def _criteria_columns(found: Criteria, more: dict[str, Any]) -> dict[str, Any]:
    """The code's criteria from its description's prose (older qcode files kept them in the layout)."""
    names = ("inclusion", "exclusion", "example_text", "example_interviewee")
    legacy = {k: str(more.get(k) or "") for k in names}
    if any(legacy.values()) and found == Criteria(found.description):
        words = [str(k) for k in more.get("keywords") or []]
        return {"description": found.description, **legacy, "keywords": words}
    return {
        "description": found.description,
        "inclusion": found.inclusion,
        "exclusion": found.exclusion,
        "example_text": found.example_text,
        "example_interviewee": found.example_interviewee[:200],
        "keywords": list(found.keywords),
    }


def document_name(source: QSource, layout: dict[str, Any] | None, taken: set[str]) -> str:
    name = str((layout or {}).get("name") or "")
    if not name:
        name = source.name.strip()
        if name.lower().endswith(_EXTENSIONS):
            name = name.rsplit(".", 1)[0].strip()
    name = name[:190] or f"source {canonical_guid(source.guid)[:8]}"
    base, n = name, 2
    while name in taken:
        name, n = f"{base} ({n})", n + 1
    taken.add(name)
    return name


def _lines(value: object) -> tuple[int, int] | None:
    """``"10-12"`` → ``(10, 12)``."""
    if not value:
        return None
    first, _, last = str(value).partition("-")
    return int(first), int(last or first)


def passages_for(text: str, layout: dict[str, Any] | None) -> tuple[ParsedPassage, ...]:
    """Passages of a text kept exactly as written: the exporting qcode project's own where the file
    has them and they fit, else one per block of non-blank lines (any line ends: LF, CRLF, CR)."""
    rows = (layout or {}).get("passages") or []
    try:
        parts = [
            ParsedPassage(text[int(a) : int(b)], str(sec or ""), spk, _lines(lines), start=int(a))
            for a, b, sec, spk, lines in rows
        ]
    except (TypeError, ValueError):
        parts = []
    prev, fits = 0, bool(parts)
    for part in parts:
        start = part.start if part.start is not None else -1
        fits = fits and prev <= start < start + len(part.text) <= len(text)
        prev = start + len(part.text)
    if fits:
        return tuple(parts)
    return tuple(ParsedPassage(m.group(), start=m.start()) for m in _BLOCK.finditer(text))


def attributes_for(project: QProject, source: QSource) -> dict[str, Value]:
    """A source's variable values: its cases' first, then its own."""
    attrs: dict[str, Value] = {}
    guid = canonical_guid(source.guid)
    for case in project.cases:
        if guid in case.sources:
            attrs.update(case.values)
    attrs.update(source.variables)
    return attrs


def import_variables(session: Session, project: QProject) -> list[str]:
    """The file's variables into the ``variables`` table (typed); a name already there keeps its row."""
    have = set(session.scalars(select(Variable.name)))
    taken = set(session.scalars(select(Variable.guid)))
    added: list[str] = []
    for var in project.variables:
        name = var.name[:200]
        if not name or name in have:
            continue
        guid = canonical_guid(var.guid)
        guid = guid if GUID_RE.match(guid) and guid not in taken else new_guid()
        session.execute(
            insert(Variable).values(guid=guid, name=name, type=var.type, description=var.description)
        )
        have.add(name)
        taken.add(guid)
        added.append(name)
    return added


def layout_segments(layout: dict[str, Any] | None, text: str) -> list[tuple[int, int]] | None:
    """The exporting qcode's segments of a document, if the file has them and they fit the text."""
    try:
        spans = [(int(a), int(b)) for a, b in (layout or {}).get("segments") or []]
    except (TypeError, ValueError):
        return None
    if not spans:
        return None
    ends = [0, *(b for _a, b in spans[:-1])]
    if any(not (prev <= a < b <= len(text)) for (a, b), prev in zip(spans, ends, strict=True)):
        return None
    return spans


def restore_segments(session: Session, doc_id: int, text: str, spans: list[tuple[int, int]]) -> bool:
    """Replace a just-imported document's segments by ``spans`` (each inside one passage)."""
    passages = list(
        session.execute(
            select(Passage.id, Passage.start, Passage.end)
            .where(Passage.document_id == doc_id)
            .order_by(Passage.start)
        )
    )
    owner: list[int] = []
    for a, b in spans:
        pid = next((i for i, ps, pe in passages if ps <= a and b <= pe), None)
        if pid is None:
            return False
        owner.append(pid)
    session.execute(delete(Segment).where(Segment.document_id == doc_id))
    session.execute(
        insert(Segment),
        [
            {"document_id": doc_id, "passage_id": pid, "ordinal": n, "start": a, "end": b, "text": text[a:b]}
            for n, ((a, b), pid) in enumerate(zip(spans, owner, strict=True), start=1)
        ],
    )
    return True
