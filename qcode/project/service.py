"""Project initialisation and status counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.store.base import new_guid, utcnow
from qcode.store.events import log_event
from qcode.store.models import Code, Coder, Coding, Document, Memo, Passage, Segment, Setting


@dataclass(frozen=True)
class ProjectStatus:
    """Counts of what a project holds."""

    project_guid: str
    documents: int
    passages: int
    segments: int
    coders: int
    codes: int
    codings: int
    memos: int


def ensure_project(session: Session, actor: str = "system") -> tuple[str, bool]:
    """Give the database its project GUID if it has none.

    Returns:
        The project GUID and whether it was created just now.
    """
    existing = session.get(Setting, "project_guid")
    if existing is not None:
        return existing.value, False
    guid = new_guid()
    session.add_all(
        [Setting(key="project_guid", value=guid), Setting(key="created_at", value=utcnow().isoformat())]
    )
    log_event(session, actor, "project.init", project=guid)
    return guid, True


def start_if_new(session: Session, actor: str = "system") -> bool:
    """Make an empty database a project as ``qcode init`` would; whether it was empty (a new project).

    Commands that create the project when there is none (``qcode import``, ``codebook load``) call
    it first, so such a project has its GUID and ``project.init`` event like one made by ``init``.
    """
    from qcode.store.models import Event

    if session.get(Setting, "project_guid") is not None:
        return False
    empty = session.scalar(select(func.count()).select_from(Event)) == 0
    ensure_project(session, actor)
    return empty


def project_status(session: Session) -> ProjectStatus:
    """Count documents, passages, segments, coders, codes, codings and memos."""

    def count(model: type[object]) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    guid = session.get(Setting, "project_guid")
    return ProjectStatus(
        project_guid=guid.value if guid else "",
        documents=count(Document),
        passages=count(Passage),
        segments=count(Segment),
        coders=count(Coder),
        codes=count(Code),
        codings=count(Coding),
        memos=count(Memo),
    )


def create_demo(session: Session, actor: str = "system") -> ProjectStatus:
    """Fill an empty project with the bundled corpus and the default codebook (zero configuration).

    Running it on a project that already holds them adds nothing (imports skip same content).
    """
    from qcode.codebook.schema import parse_codebook
    from qcode.codebook.service import load_codebook
    from qcode.config import bundled_codebook, bundled_transcripts
    from qcode.ingest.formats import collect_paths, read_file
    from qcode.ingest.service import import_transcripts

    ensure_project(session, actor)
    transcripts = [read_file(path) for path in collect_paths([bundled_transcripts()])]
    import_transcripts(session, transcripts, actor=actor)
    if session.scalar(select(func.count()).select_from(Code)) == 0:
        load_codebook(session, parse_codebook(bundled_codebook()), actor=actor)
    session.flush()
    return project_status(session)
