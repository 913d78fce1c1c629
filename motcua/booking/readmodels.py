"""Answers about bookings: one booking as its holder sees it, a day's bookings (for the
reminder the day before), free slots by day, and the figures per sector and day that
the admin report "Lịch hẹn đã đặt" shows."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from motcua.booking.models import PUBLIC_PAGE, Booking, BookingStatus
from motcua.booking.slots import Slot, offered_slots, settings_of
from motcua.core.clock import Clock
from motcua.dossier.models import Procedure
from motcua.queue.models import Hall, Sector, Ticket


def bookings_on(session: Session, hall: Hall, day: date) -> list[Booking]:
    """The hall's confirmed bookings of a hall-local day, by slot: whom to remind."""
    return list(session.scalars(
        select(Booking).where(Booking.hall_id == hall.id, Booking.day == day,
                              Booking.status == BookingStatus.CONFIRMED)
        .order_by(Booking.slot_at, Booking.id)))


def procedures_for(session: Session, hall: Hall, sector: Sector) -> list[Procedure]:
    """The sector's procedures in the hall's catalogue, for the optional choice when booking."""
    return list(session.scalars(select(Procedure).where(
        Procedure.hall_id == hall.id, Procedure.sector_id == sector.id,
        Procedure.active.is_(True)).order_by(Procedure.name)))


def procedure_of(session: Session, booking: Booking) -> Procedure | None:
    """The procedure the citizen chose when booking, if one was (the code is kept, not a link)."""
    if booking.procedure_code is None:
        return None
    return session.scalar(select(Procedure).where(Procedure.hall_id == booking.hall_id,
                                                  Procedure.code == booking.procedure_code))


def booking_view(booking: Booking) -> dict[str, Any]:
    """What the holder (or a portal on their behalf) may see; the ID card never."""
    local = booking.slot_at.astimezone(ZoneInfo(booking.hall.time_zone))
    return {
        "code": booking.code,
        "hall": booking.hall.code,
        "sector": booking.sector.code,
        "sector_name_vi": booking.sector.name_vi,
        "sector_name_en": booking.sector.name_en,
        "procedure": booking.procedure_code,
        "slot_at": local.isoformat(),
        "day": local.strftime("%d/%m/%Y"),
        "time": local.strftime("%H:%M"),
        "slot_minutes": booking.slot_minutes,
        "name": booking.name,
        "phone": booking.phone[:3] + "****" + booking.phone[-3:],
        "status": booking.status.value,
    }


def checked_in_ticket(session: Session, booking: Booking) -> Ticket | None:
    """The ticket the kiosk issued for the booking, once checked in: its page follows it."""
    return session.get(Ticket, booking.ticket_id) if booking.ticket_id is not None else None


@dataclass(frozen=True)
class SlotDay:
    day: date
    slots: list[Slot]


def free_slots(session: Session, clock: Clock, hall: Hall, sector: Sector) -> list[SlotDay]:
    """Days with at least one place free, each with its slots (full ones included, shown
    as full)."""
    settings = settings_of(session, hall)
    if settings is None:
        return []
    by_day: dict[date, list[Slot]] = defaultdict(list)
    zone = ZoneInfo(hall.time_zone)
    for slot in offered_slots(session, clock, hall, sector, settings):
        by_day[slot.at.astimezone(zone).date()].append(slot)
    return [SlotDay(day, slots) for day, slots in sorted(by_day.items())
            if any(s.free for s in slots)]


def slots_json(days: list[SlotDay]) -> list[dict[str, Any]]:
    return [{"day": d.day.isoformat(), "slots": [
        {"at": s.at.isoformat(), "time": s.local_time, "minutes": s.minutes, "free": s.free}
        for s in d.slots]} for d in days]


@dataclass
class BookingFigures:
    """What became of the bookings of one sector's slots on one hall-local day (or of several
    sectors and days, added up)."""

    made: int = 0  # every booking of those slots, the cancelled ones included
    cancelled: int = 0
    checked_in: int = 0
    no_show: int = 0  # still confirmed, and the slot with its grace period is over
    upcoming: int = 0  # still confirmed, the slot with its grace period not over yet
    early: int = 0  # checked in before the slot's time
    on_time: int = 0  # checked in from the slot's time to the end of the grace period
    late: int = 0  # checked in later (the kiosk issued a walk-in ticket)
    seconds_early: float = 0.0  # before the slot's time, added up over the early check-ins
    seconds_late: float = 0.0  # after the slot's time, added up over the late check-ins
    through_api: int = 0  # booked through the API (a portal), not on the public page

    def add(self, other: BookingFigures) -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def booking_figures(session: Session, hall: Hall, first: date, last: date,
                    now: datetime | None) -> dict[tuple[date, int], BookingFigures]:
    """Bookings, cancellations, check-ins, no-shows and punctuality per (hall-local day of the
    slot, sector id), from `first` to `last`.

    A confirmed booking is a no-show once its slot and the hall's grace period are over by
    `now`; `now=None` reads the days as over. Early, on time and late compare the check-in with
    the slot; late is what the kiosk decided at check-in with the grace period of that moment.
    """
    settings = settings_of(session, hall)
    grace = timedelta(minutes=settings.grace_minutes if settings else 0)
    figures: dict[tuple[date, int], BookingFigures] = defaultdict(BookingFigures)
    for day, sector_id, status, slot_at, checked_in_at, on_time, booked_by in session.execute(
            select(Booking.day, Booking.sector_id, Booking.status, Booking.slot_at,
                   Booking.checked_in_at, Booking.on_time, Booking.booked_by)
            .where(Booking.hall_id == hall.id, Booking.day >= first, Booking.day <= last)):
        row = figures[(day, sector_id)]
        row.made += 1
        row.through_api += booked_by != PUBLIC_PAGE
        if status == BookingStatus.CANCELLED:
            row.cancelled += 1
        elif checked_in_at is not None:  # checked in: the kiosk sets both at once
            row.checked_in += 1
            if checked_in_at < slot_at:
                row.early += 1
                row.seconds_early += (slot_at - checked_in_at).total_seconds()
            elif on_time:
                row.on_time += 1
            else:
                row.late += 1
                row.seconds_late += (checked_in_at - slot_at).total_seconds()
        elif now is None or slot_at + grace < now:
            row.no_show += 1
        else:
            row.upcoming += 1
    return dict(figures)
