"""Limits that hold under concurrency: a counter row per slot (and per phone number's day),
raised by one conditional UPDATE (`taken < limit`), never read and then written.

SQLite serialises writers (BEGIN IMMEDIATE); on PostgreSQL concurrent UPDATEs of the row
wait for each other and re-check the condition on the committed value, so at most `limit`
bookings ever hold a slot however many book at once.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from motcua.booking.models import BookingCount

_TABLE = BookingCount.metadata.tables[BookingCount.__tablename__]
_ENSURE = {
    name: insert(_TABLE).values(scope=bindparam("scope"), day=bindparam("day"), taken=0)
    .on_conflict_do_nothing(index_elements=[_TABLE.c.scope, _TABLE.c.day])
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_TAKE = (update(_TABLE).where(_TABLE.c.scope == bindparam("s"), _TABLE.c.day == bindparam("d"),
                              _TABLE.c.taken < bindparam("limit"))
         .values(taken=_TABLE.c.taken + 1))
_RELEASE = (update(_TABLE).where(_TABLE.c.scope == bindparam("s"), _TABLE.c.day == bindparam("d"),
                                 _TABLE.c.taken > 0)
            .values(taken=_TABLE.c.taken - 1))


def take(session: Session, scope: str, day: date, limit: int) -> bool:
    """One more in `scope` on `day` if fewer than `limit` are there; False when full."""
    connection = session.connection()
    connection.execute(_ENSURE[connection.dialect.name], {"scope": scope, "day": day})
    return connection.execute(_TAKE, {"s": scope, "d": day, "limit": limit}).rowcount == 1


def release(session: Session, scope: str, day: date) -> None:
    session.connection().execute(_RELEASE, {"s": scope, "d": day})


def slot_scope(sector_id: int, local_time: str) -> str:
    return f"slot:{sector_id}:{local_time}"


def phone_scope(hall_id: int, phone: str) -> str:
    return f"phone:{hall_id}:{phone}"
