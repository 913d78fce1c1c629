"""Checking in at the kiosk with a booking, and the calling policy serving appointments."""
from __future__ import annotations

from datetime import timedelta

import pytest

from motcua.booking import services as booking
from motcua.booking.errors import BookingNotFound, NotConfirmed, NotToday
from motcua.booking.models import BookingStatus
from motcua.core.actors import SYSTEM
from motcua.core.db import make_session_factory
from motcua.core.events import EventName, RecordingPublisher
from motcua.core.ports import Ports
from motcua.queue import services as queue
from motcua.queue.demo import load_demo_hall
from motcua.queue.policy import Candidate, appointment_streak_cap, appointments_first
from tests.booking.support import ID_CARD_KEY, a_booking, prepare
from tests.support import hall_time, make_officer

pytestmark = pytest.mark.usefixtures("demo_hall")
CARD = "001099012345|012345678|Nguyễn Văn Dân|01011990|Nam|Số 1, Phường Hàng Bạc, Hà Nội|01012021"


def check_in(ports, scanned):
    return booking.check_in(ports, hall_code="demo", scanned=scanned, device=None, actor=SYSTEM,
                            status_url=lambda token: f"http://hall/t/{token}",
                            id_card_key=ID_CARD_KEY)


def booked_for_today(ports, clock, at=(10, 0), **kwargs):
    clock.set(hall_time(2026, 11, 24, 9, 0))  # booked the day before
    made = a_booking(ports, hall_time(2026, 11, 25, *at), **kwargs)
    clock.set(hall_time(2026, 11, 25, 9, 0))
    return made


def test_typing_the_code_on_time_issues_a_ticket_flagged_as_an_appointment(ports, clock, publisher):
    prepare(ports)
    made = booked_for_today(ports, clock, at=(9, 0))
    clock.advance(minutes=10)  # within the 15 minutes of grace
    done = check_in(ports, made.code)
    ticket = done.taken.issued.ticket
    assert done.appointment and ticket.appointment_at == made.slot_at
    assert made.status == BookingStatus.CHECKED_IN and made.ticket_id == ticket.id
    assert publisher.events[-1].name == EventName.BOOKING_CHECKED_IN
    assert publisher.events[-1].payload["phone"] == made.phone
    with pytest.raises(NotConfirmed):
        check_in(ports, made.code)


def test_later_than_the_grace_period_the_citizen_gets_a_walk_in_ticket(ports, clock):
    prepare(ports)
    made = booked_for_today(ports, clock, at=(9, 0))
    clock.advance(minutes=16)
    done = check_in(ports, made.code)
    assert not done.appointment and done.taken.issued.ticket.appointment_at is None
    assert made.on_time is False


def test_a_booking_of_another_day_is_refused_and_says_its_day(ports, clock):
    prepare(ports)
    made = a_booking(ports, hall_time(2026, 11, 26, 8, 0))
    with pytest.raises(NotToday) as refused:
        check_in(ports, made.code)
    assert "26/11/2026" in refused.value.message


def test_an_unknown_code_is_refused(ports):
    prepare(ports)
    with pytest.raises(BookingNotFound):
        check_in(ports, "12345678")


def test_the_booking_qr_link_and_the_chip_id_card_check_in_too(ports, clock):
    prepare(ports)
    by_link = booked_for_today(ports, clock, phone="0900000001")
    by_card = booked_for_today(ports, clock, at=(10, 30), phone="0900000002",
                               id_card="001099012345")
    assert check_in(ports, f"http://other-host/dat-lich/xem/{by_link.secret}").booking == by_link
    assert check_in(ports, CARD).booking == by_card
    with pytest.raises(BookingNotFound):
        check_in(ports, CARD)  # nothing left for the card today


def test_an_appointment_is_called_at_its_slot_before_walk_ins(ports, clock):
    prepare(ports)
    made = booked_for_today(ports, clock, at=(9, 30))
    queue.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None, actor=SYSTEM)
    early = check_in(ports, made.code).taken.issued.ticket  # at 09:00, before its slot
    queue.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None, actor=SYSTEM)
    officer = make_officer(ports.session, clock, username="canbo1")
    queue.open_counter(ports, hall_code="demo", counter_number=1, actor=officer)
    first = queue.call_next(ports, hall_code="demo", counter_number=1, actor=officer).ticket
    assert first is not None and first.id != early.id  # early: it waits for its slot
    clock.set(hall_time(2026, 11, 25, 9, 30))
    second = queue.call_next(ports, hall_code="demo", counter_number=1, actor=officer).ticket
    assert second is not None and second.id == early.id  # its slot: ahead of the walk-in


def _candidate(ticket_id, minute, appointment_minute=None):
    base = hall_time(2026, 11, 25, 9, 0)
    return Candidate(ticket_id, base + timedelta(minutes=minute), 0, False,
                     appointment_at=None if appointment_minute is None
                     else base + timedelta(minutes=appointment_minute))


def test_walk_ins_are_not_starved_beyond_the_share_of_appointments():
    now = hall_time(2026, 11, 25, 10, 0)
    walk_in, due = _candidate(1, 0), _candidate(2, 5, appointment_minute=30)
    cap = appointment_streak_cap(0.5)
    assert cap == 1 and appointment_streak_cap(0.75) == 3 and appointment_streak_cap(0) == 0
    assert appointments_first([walk_in, due], now=now, consecutive_appointment_calls=0,
                              streak_cap=cap)[0] == due
    assert appointments_first([walk_in, due], now=now, consecutive_appointment_calls=1,
                              streak_cap=cap)[0] == walk_in
    assert appointments_first([due], now=now, consecutive_appointment_calls=1,
                              streak_cap=cap) == [due]  # nobody else waits


@pytest.mark.postgres
def test_on_postgresql_an_appointment_is_called_at_its_slot_before_walk_ins(postgres_engine, clock):
    with make_session_factory(postgres_engine)() as session:
        ports = Ports(session, clock, RecordingPublisher())
        load_demo_hall(ports)
        test_an_appointment_is_called_at_its_slot_before_walk_ins(ports, clock)
