"""Gapless daily numbering: one upsert on a counter row inside the issuing transaction.

`max(number) + 1` races under concurrency and database sequences leave gaps; an
`INSERT … ON CONFLICT DO UPDATE SET last = last + 1 RETURNING last` serialises issuers on
the counter row, and rolls back with the rest of the transaction when issuing fails
(daily cap reached), so numbers never skip.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from motcua.core.db import prepared
from motcua.queue.models import DaySequence


def _upsert(insert: Any) -> Any:
    table = DaySequence.__table__
    return (
        insert(table)
        .values(scope=bindparam("scope"), day=bindparam("day"), last=1)
        .on_conflict_do_update(index_elements=[table.c.scope, table.c.day],
                               set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )


# Built once per dialect: the statement runs on every ticket issued.
_UPSERTS = {"postgresql": prepared(_upsert(postgresql.insert)), "sqlite": _upsert(sqlite.insert)}


def next_in_sequence(session: Session, scope: str, day: date) -> int:
    statement = _UPSERTS[session.get_bind().dialect.name]
    return int(session.execute(statement, {"scope": scope, "day": day}).scalar_one())
