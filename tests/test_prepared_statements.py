"""Statements marked `prepared` run on PostgreSQL as prepared statements of each connection:
planned once, answered as if run plainly, and never stuck behind a failed first run."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from motcua.core import db
from motcua.core.db import make_engine, prepared

pytestmark = pytest.mark.postgres

SUM = prepared(text("SELECT CAST(:a AS integer) + CAST(:b AS integer) AS total, "
                    "'100%' AS literal, CAST(:a AS integer) * 2 AS twice"))
INVERSE = prepared(text("SELECT 1 / CAST(:a AS integer)"))


@pytest.fixture
def engine(postgres_url: str) -> Any:
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


def prepared_on(connection: Connection) -> list[str]:
    """The statements the connection's session holds prepared, as PostgreSQL knows them."""
    return list(connection.scalars(text("SELECT statement FROM pg_prepared_statements ORDER BY name")))


def test_a_marked_statement_is_prepared_once_per_connection_and_answers_as_a_plain_one(engine: Engine):
    with engine.connect() as connection:
        answers = [connection.execute(SUM, {"a": a, "b": 10}).one() for a in range(3)]
        assert [tuple(row) for row in answers] == [(10, "100%", 0), (11, "100%", 2), (12, "100%", 4)]
        assert answers[0]._fields == ("total", "literal", "twice")
        held = prepared_on(connection)
        assert len(held) == 1 and "$1" in held[0] and "$2" in held[0]
        assert connection.execute(text("SELECT 1")).scalar() == 1  # unmarked: run as ever
        assert len(prepared_on(connection)) == 1


def test_a_statement_whose_first_run_failed_is_prepared_again_and_runs(engine: Engine):
    with engine.connect() as connection:
        with pytest.raises(Exception, match="division by zero"):
            connection.execute(text("SELECT 1 / 0"))
        with pytest.raises(Exception, match="current transaction is aborted"):
            connection.execute(INVERSE, {"a": 1})  # not prepared: nothing ran
        connection.rollback()
        assert connection.execute(INVERSE, {"a": 1}).scalar() == 1
        with pytest.raises(Exception, match="division by zero"):
            connection.execute(INVERSE, {"a": 0})  # prepared, and still
        connection.rollback()
        assert connection.execute(INVERSE, {"a": 1}).scalar() == 1


def test_a_connection_prepares_a_bounded_number_of_statements(engine: Engine, monkeypatch):
    monkeypatch.setattr(db, "PREPARED_PER_CONNECTION", 2)
    with engine.connect() as connection:
        for n in range(4):
            statement = prepared(text(f"SELECT CAST(:a AS integer) + {n}"))
            assert connection.execute(statement, {"a": 1}).scalar() == 1 + n
        assert len(prepared_on(connection)) == 2


def test_a_new_connection_prepares_its_own(engine: Engine):
    with engine.connect() as first:
        first.execute(SUM, {"a": 1, "b": 1})
        first.invalidate()  # its session is gone, and what it prepared with it
    with engine.connect() as second:
        assert second.execute(SUM, {"a": 1, "b": 2}).one().total == 3
        assert len(prepared_on(second)) == 1
