"""The rating use case on its own: a database, a clock and a publisher, no Flask app."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, Actor, DeviceKind
from motcua.core.events import EventName, RecordingPublisher
from motcua.core.ports import Ports
from motcua.counter import ratings
from motcua.counter.models import Rating, RatingLevel
from motcua.queue import errors, services
from motcua.queue.models import TicketEvent
from tests.support import system_ports

KIOSK = Actor(kind="kiosk", name="k1")


@pytest.fixture
def served(ports: Ports, demo_hall: Any) -> int:
    """Counter 1 has just finished a citizen; the id of their ticket."""
    services.open_counter(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                          actor=KIOSK)
    services.call_next(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    done = services.complete(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    assert done.acted_on is not None
    return done.acted_on.id


@pytest.fixture
def tablet(session: Any, clock: Any, demo_hall: Any) -> Any:
    _, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None, hall_code="demo", name="tablet-1",
                               kind=DeviceKind.TABLET, counter_number=1)
    return ratings.tablet_at(session, token, "demo", 1)


def test_a_rating_is_stored_audited_and_announced_once_committed(
        ports: Ports, session: Any, publisher: RecordingPublisher, tablet: Any,
        served: int) -> None:
    rating = ratings.rate(ports, device=tablet, ticket_id=served, level=RatingLevel.UNSATISFIED,
                          reason="long_wait")
    assert session.scalars(select(Rating)).one().id == rating.id
    audit = session.scalars(select(TicketEvent).where(TicketEvent.kind == "rated")).one()
    assert (audit.ticket_id, audit.actor, audit.data) == (served, "tablet:tablet-1",
                                                          {"level": "unsatisfied"})
    event = publisher.events[-1]
    assert (event.name, event.counter_number) == (EventName.TICKET_RATED, 1)
    assert event.payload["level"] == "unsatisfied" and event.payload["reason"] == "long_wait"


def test_a_second_rating_of_a_ticket_is_refused_and_announces_nothing(
        ports: Ports, session: Any, publisher: RecordingPublisher, tablet: Any,
        served: int) -> None:
    ratings.rate(ports, device=tablet, ticket_id=served, level=RatingLevel.SATISFIED)
    heard = len(publisher.events)
    with pytest.raises(ratings.AlreadyRated):
        ratings.rate(ports, device=tablet, ticket_id=served, level=RatingLevel.VERY_SATISFIED)
    assert len(publisher.events) == heard
    assert [r.level for r in session.scalars(select(Rating))] == [RatingLevel.SATISFIED]


def test_a_level_the_hall_does_not_use_is_refused(ports: Ports, tablet: Any, served: int) -> None:
    with pytest.raises(errors.InvalidInput):
        ratings.rate(ports, device=tablet, ticket_id=served, level=RatingLevel.NEUTRAL)
