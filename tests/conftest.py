"""Shared fixtures: a project store on SQLite and, where a server answers, on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from qcode.store.migrate import Store, open_store

REPO = Path(__file__).resolve().parent.parent
#: A test that reads beside the checkout fails (everything it needs ships in the repository).
pytest_plugins = ["tests.confine"]

# Property tests here do real work (spaCy, SQLite, XML); on a shared 2-core machine one example can
# take longer than Hypothesis' 200 ms deadline, failing runs that found no bug (speed is measured in bench/).
settings.register_profile(
    "qcode", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "qcode"))
PG_ENV = "QCODE_TEST_PG_URL"
_TABLES = (
    "memos", "codings", "segments", "passages", "documents", "codes", "coders", "events", "settings",
    "variables",
)


def _pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        return None
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def _no_user_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the real ~/.local/state/qcode (where the coding screen keeps positions)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throw-away PostgreSQL database for this test run, dropped at the end."""
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    name = f"qcode_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        engine.dispose()
        pytest.skip(f"PostgreSQL at {PG_ENV} does not answer: {str(exc).splitlines()[0]}")
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    open_store(url, create=True).close()
    try:
        yield url
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite project, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "qcode.db"
    open_store(f"sqlite:///{path}", create=True).close()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run a store test once per backend."""
    return str(request.param)


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated project on the test's backend."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "qcode.db"
        shutil.copy(template, path)
        st = open_store(f"sqlite:///{path}")
    else:
        url: str = request.getfixturevalue("pg_url")
        st = open_store(url)
        with st.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(_TABLES)} RESTART IDENTITY CASCADE"))
    try:
        yield st
    finally:
        st.close()


@pytest.fixture
def sqlite_store(sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated SQLite project (for tests that need no second backend)."""
    path = tmp_path / "qcode.db"
    shutil.copy(sqlite_template, path)
    st = open_store(f"sqlite:///{path}")
    try:
        yield st
    finally:
        st.close()
