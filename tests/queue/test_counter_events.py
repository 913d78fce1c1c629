"""A counter's actions log their events and announce the waiting count of the line they
changed as they commit it, on SQLite and on PostgreSQL (where the log's INSERT and the count
are one statement)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from motcua.core.actors import SYSTEM, Actor
from motcua.core.clock import local_day
from motcua.core.db import make_session_factory
from motcua.core.events import EventName, RecordingPublisher
from motcua.core.ports import Ports
from motcua.queue import services
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Ticket, TicketEvent, TicketStatus

KIOSK = Actor(kind="kiosk", name="k1")
AT_COUNTER = {"hall_code": "demo", "counter_number": 1, "actor": SYSTEM}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def either_session(request: pytest.FixtureRequest) -> Iterator[Session]:
    """A fresh database's session on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("session")
        return
    with make_session_factory(request.getfixturevalue("postgres_engine"))() as session:
        yield session


def logged(session: Session) -> list[tuple[str, int | None, str | None, dict[str, Any]]]:
    """The event log in the order it was written."""
    return [(e.kind, e.ticket_id, e.reason, e.data)
            for e in session.scalars(select(TicketEvent).order_by(TicketEvent.id))]


def check_counter_events(session: Session, clock: Any) -> None:
    publisher = RecordingPublisher()
    ports = Ports(session, clock, publisher)
    hall = load_demo_hall(ports)
    land = [services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                                  actor=KIOSK).ticket for _ in range(3)]
    services.issue_ticket(ports, hall_code="demo", sector_code="tu-phap", priority=None, actor=KIOSK)
    services.open_counter(ports, **AT_COUNTER)
    issued_and_opened = len(logged(session))

    services.call_next(ports, **AT_COUNTER)
    services.recall(ports, **AT_COUNTER)
    services.call_next(ports, **AT_COUNTER)  # the first is done, the second called
    services.call_specific(ports, **AT_COUNTER, display_number=land[2].display_number,
                           reason="came back")

    assert logged(session)[issued_and_opened:] == [
        ("called", land[0].id, None, {}),
        ("recalled", land[0].id, None, {}),
        ("completed", land[0].id, "call next", {}),
        ("called", land[1].id, None, {}),
        ("completed", land[1].id, "call next", {}),
        ("called_out_of_order", land[2].id, "came back", {}),
    ]
    counter_events = publisher.events[-4:]
    assert [e.name for e in counter_events] == [EventName.TICKET_CALLED, EventName.TICKET_RECALLED,
                                                EventName.TICKET_CALLED, EventName.TICKET_CALLED]
    # Only the land line changed: the pages keep the others' counts (tu-phap: 1).
    assert [e.payload["waiting"] for e in counter_events] == [
        {"dat-dai": 2}, {"dat-dai": 2}, {"dat-dai": 1}, {"dat-dai": 0}]
    assert services.waiting_counts(session, hall, local_day(clock, hall.time_zone)) == {
        **{sector.code: 0 for sector in hall.sectors}, "dat-dai": 0, "tu-phap": 1}
    issued = [e for e in publisher.events if e.name == EventName.TICKET_ISSUED]
    assert [e.payload["waiting"] for e in issued] == [
        {"dat-dai": 1}, {"dat-dai": 2}, {"dat-dai": 3}, {"tu-phap": 1}]


def test_counter_actions_log_their_events_and_announce_the_waiting_count_of_their_line(
        either_session, clock):
    check_counter_events(either_session, clock)


def check_calling_with_nobody_left_finishes_the_citizen_at_the_counter(session: Session,
                                                                       clock: Any) -> None:
    ports = Ports(session, clock, RecordingPublisher())
    load_demo_hall(ports)
    ticket = services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                                   actor=KIOSK).ticket
    services.open_counter(ports, **AT_COUNTER)
    services.call_next(ports, **AT_COUNTER)
    assert services.call_next(ports, **AT_COUNTER).ticket is None
    assert logged(session)[-1] == ("completed", ticket.id, "call next", {})
    assert session.get(Ticket, ticket.id).status == TicketStatus.DONE


def test_calling_with_nobody_left_finishes_the_citizen_at_the_counter(either_session, clock):
    check_calling_with_nobody_left_finishes_the_citizen_at_the_counter(either_session, clock)


@pytest.mark.postgres
def test_a_call_whose_first_choice_is_being_taken_finishes_the_citizen_at_the_counter_once(
        postgres_engine, clock):
    """On PostgreSQL the first claim also finishes the citizen at the counter: when another
    counter holds that ticket, the next claim calls the one after and finishes nobody again."""
    sessions = make_session_factory(postgres_engine)
    with sessions() as session, sessions() as other_counter:
        ports = Ports(session, clock, RecordingPublisher())
        load_demo_hall(ports)
        land = [services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai",
                                      priority=None, actor=KIOSK).ticket for _ in range(3)]
        services.open_counter(ports, **AT_COUNTER)
        services.call_next(ports, **AT_COUNTER)
        other_counter.execute(select(Ticket).where(Ticket.id == land[1].id).with_for_update())

        called = services.call_next(ports, **AT_COUNTER).ticket
        other_counter.rollback()

        assert called is not None and called.id == land[2].id
        assert logged(session)[-3:] == [("called", land[0].id, None, {}),
                                        ("completed", land[0].id, "call next", {}),
                                        ("called", land[2].id, None, {})]
        assert session.get(Ticket, land[1].id).status == TicketStatus.WAITING
