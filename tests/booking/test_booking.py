"""Booking a slot, its limits, cancelling and moving, and the events the outbox will hear."""
from __future__ import annotations

import pytest

from motcua.booking import services as booking
from motcua.booking.errors import NotConfirmed, PhoneLimitReached, SlotNotOffered, SlotTaken
from motcua.booking.models import BookingStatus
from motcua.booking.readmodels import bookings_on, free_slots
from motcua.core.errors import Invalid
from motcua.core.events import EventName
from motcua.dossier.calendar import add_holiday
from motcua.queue import services as queue
from motcua.web.realtime import SocketIOPublisher
from tests.booking.support import a_booking, prepare
from tests.support import hall_time

pytestmark = pytest.mark.usefixtures("demo_hall")
# The clock: Wednesday 25/11/2026 09:00 in the hall.


def test_a_citizen_books_a_free_slot_and_gets_an_eight_digit_code(ports, publisher):
    prepare(ports)
    made = a_booking(ports, hall_time(2026, 11, 26, 8, 0), phone="+84 912 345 678")
    assert made.status == BookingStatus.CONFIRMED
    assert len(made.code) == 8 and made.code.isdigit()
    assert made.phone == "0912345678"
    event = publisher.events[-1]
    assert event.name == EventName.BOOKING_CONFIRMED
    assert event.payload["booking"] == made.id and event.payload["phone"] == "0912345678"


def test_a_slot_takes_no_more_than_its_capacity(ports):
    prepare(ports)
    at = hall_time(2026, 11, 26, 8, 0)
    a_booking(ports, at, phone="0900000001")
    a_booking(ports, at, phone="0900000002")
    with pytest.raises(SlotTaken):
        a_booking(ports, at, phone="0900000003")


def test_a_phone_number_books_no_more_than_its_daily_limit(ports):
    prepare(ports)
    a_booking(ports, hall_time(2026, 11, 26, 8, 0))
    a_booking(ports, hall_time(2026, 11, 26, 9, 0))
    with pytest.raises(PhoneLimitReached):
        a_booking(ports, hall_time(2026, 11, 26, 10, 0))
    a_booking(ports, hall_time(2026, 11, 27, 8, 0))  # another day


@pytest.mark.parametrize("slot", [
    (2026, 11, 25, 9, 0),  # now: before the lead time
    (2026, 11, 28, 8, 0),  # Saturday
    (2026, 11, 26, 12, 0),  # lunch, outside the bands
    (2026, 11, 26, 8, 10),  # not a slot's start
    (2026, 12, 10, 8, 0),  # beyond the horizon
])
def test_slots_outside_the_bands_the_lead_time_or_the_horizon_are_refused(ports, slot):
    prepare(ports)
    with pytest.raises(SlotNotOffered):
        a_booking(ports, hall_time(*slot))


def test_holidays_offer_no_slots(ports):
    prepare(ports)
    hall = queue.get_hall(ports.session, "demo")
    add_holiday(ports, hall_id=hall.id, day=hall_time(2026, 11, 26, 0, 0).date(), name="Nghỉ")
    days = [d.day.isoformat() for d in free_slots(ports.session, ports.clock, hall,
                                                  queue.get_sector(ports.session, hall, "dat-dai"))]
    assert "2026-11-26" not in days and "2026-11-27" in days
    with pytest.raises(SlotNotOffered):
        a_booking(ports, hall_time(2026, 11, 26, 8, 0))


def test_a_full_slot_shows_no_place_free_and_a_cancelled_place_is_free_again(ports, publisher):
    prepare(ports)
    at = hall_time(2026, 11, 26, 8, 0)
    first = a_booking(ports, at, phone="0900000001")
    a_booking(ports, at, phone="0900000002")
    hall = queue.get_hall(ports.session, "demo")
    sector = queue.get_sector(ports.session, hall, "dat-dai")

    def free_at_eight() -> int:
        day = next(d for d in free_slots(ports.session, ports.clock, hall, sector)
                   if d.day == at.date())
        return next(s.free for s in day.slots if s.at == at)

    assert free_at_eight() == 0
    booking.cancel(ports, booking_id=first.id)
    assert publisher.events[-1].name == EventName.BOOKING_CANCELLED
    assert free_at_eight() == 1
    with pytest.raises(NotConfirmed):
        booking.cancel(ports, booking_id=first.id)


def test_moving_a_booking_gives_the_old_place_back(ports):
    prepare(ports)
    old = hall_time(2026, 11, 26, 8, 0)
    made = a_booking(ports, old, phone="0900000001")
    a_booking(ports, old, phone="0900000002")
    booking.move(ports, booking_id=made.id, slot_at=hall_time(2026, 11, 27, 14, 0))
    assert made.slot_at == hall_time(2026, 11, 27, 14, 0)
    a_booking(ports, old, phone="0900000003")  # the freed place


def test_a_wrong_phone_and_name_are_all_said_at_once(ports):
    prepare(ports)
    with pytest.raises(Invalid) as refused:
        booking.book(ports, hall_code="demo", sector_code="dat-dai",
                     slot_at=hall_time(2026, 11, 26, 8, 0),
                     applicant=booking.Applicant("", "12345", "99"), id_card_key=b"k")
    assert {p.field for p in refused.value.problems} == {"name", "phone", "id_card"}


def test_the_reminder_query_lists_the_confirmed_bookings_of_a_day(ports):
    prepare(ports)
    kept = a_booking(ports, hall_time(2026, 11, 26, 9, 0), phone="0900000001")
    gone = a_booking(ports, hall_time(2026, 11, 26, 8, 0), phone="0900000002")
    booking.cancel(ports, booking_id=gone.id)
    hall = queue.get_hall(ports.session, "demo")
    assert bookings_on(ports.session, hall, hall_time(2026, 11, 26, 0, 0).date()) == [kept]


def test_a_procedure_not_of_the_sector_is_refused(ports):
    prepare(ports)
    with pytest.raises(Invalid) as refused:
        booking.book(ports, hall_code="demo", sector_code="dat-dai",
                     slot_at=hall_time(2026, 11, 26, 8, 0),
                     applicant=booking.Applicant("Lê Văn Dân", "0912345678", None, "9.999999"),
                     id_card_key=b"k")
    assert [p.field for p in refused.value.problems] == ["procedure"]


class RecordingSocketIO:
    def __init__(self):
        self.emitted = []

    def emit(self, name, message, **where):
        self.emitted.append(name)


def test_booking_events_are_private_and_never_reach_the_halls_screens(ports, publisher):
    prepare(ports)
    a_booking(ports, hall_time(2026, 11, 26, 8, 0))
    event = publisher.events[-1]
    assert event.private
    socketio = RecordingSocketIO()
    SocketIOPublisher(socketio).publish(event)
    assert socketio.emitted == []
