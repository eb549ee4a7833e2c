"""A server that refuses the connection says why (no database, no user), not that it is not answering."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.store.faults import is_server_gone
from tests.conftest import _pg_admin_url


def _url(**parts: str) -> str:
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL tests need QCODE_TEST_PG_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    return make_url(admin).set(**parts).render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("parts", "said"),
    [
        ({"database": "qcode_missing_db"}, "the server has no database named qcode_missing_db"),
        ({"username": f"nobody_{uuid.uuid4().hex[:6]}"}, "the server has no user named nobody_"),
    ],
)
def test_a_refused_connection_names_its_reason(parts: dict[str, str], said: str) -> None:
    result = CliRunner().invoke(app, ["--db", _url(**parts), "status"])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert said in lines[0]
    assert "not answering" not in lines[0]


def test_a_refused_connection_is_not_taken_for_a_server_gone() -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    engine = create_engine(_url(database="qcode_missing_db"))
    with pytest.raises(OperationalError) as caught:
        engine.connect()
    engine.dispose()
    assert not is_server_gone(caught.value)  # nothing to wait for: a retry cannot succeed
