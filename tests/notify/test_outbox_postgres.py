"""The outbox on PostgreSQL: a cause seen twice adds one row (ON CONFLICT DO NOTHING, its
transaction goes on), and of two workers one claims a row."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from motcua.core.db import make_session_factory
from motcua.core.events import Event, EventName
from motcua.core.ports import Ports
from motcua.core.uow import UnitOfWork, use_case
from motcua.notify.delivery import _claim, deliver_due
from motcua.notify.models import Notification, NotificationStatus

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(postgres_engine: Any) -> str:
    return postgres_engine.url.render_as_string(hide_password=False)


@use_case
def _confirmed_twice(uow: UnitOfWork) -> None:
    for _ in range(2):
        uow.publish(Event(name=EventName.BOOKING_CONFIRMED, hall="demo",
                          payload={"booking": 3, "phone": "0912345678"}))


def test_a_cause_seen_twice_owes_one_message_and_a_worker_claims_it_once(
        sending, session, engine, clock, tmp_path):
    _confirmed_twice(sending)
    _confirmed_twice(sending)
    [row] = session.scalars(select(Notification)).all()
    first = Ports(make_session_factory(engine)(), clock, sending.publisher)
    second = Ports(make_session_factory(engine)(), clock, sending.publisher)
    assert _claim(first, notification_id=row.id, seen_attempts=0) is True
    assert _claim(second, notification_id=row.id, seen_attempts=0) is False
    first.session.close()
    second.session.close()
    clock.advance(minutes=5)  # the first worker's lease is over: as if it had died
    assert deliver_due(make_session_factory(engine), clock, tmp_path).sent == 1
    session.rollback()
    session.expire_all()
    assert session.scalars(select(Notification.status)).all() == [NotificationStatus.SENT]
