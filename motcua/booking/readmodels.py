"""Answers about bookings: one booking as its holder sees it, a day's bookings (for the
reminder the day before), free slots by day, and the report per sector and day."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from motcua.booking.models import Booking, BookingStatus
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
class ReportRow:
    day: date
    sector: str
    booked: int = 0  # not cancelled
    cancelled: int = 0
    checked_in: int = 0
    on_time: int = 0  # within the grace period
    no_show: int = 0  # the slot and its grace period passed without a check-in

    @property
    def punctuality(self) -> float | None:
        return self.on_time / self.checked_in if self.checked_in else None


def report(session: Session, clock: Clock, hall: Hall, first: date, last: date) -> list[ReportRow]:
    """Bookings, check-ins, no-shows and punctuality per sector per day."""
    settings = settings_of(session, hall)
    grace = timedelta(minutes=settings.grace_minutes if settings else 0)
    now = clock.now()
    rows: dict[tuple[date, str], ReportRow] = {}
    bookings = session.scalars(select(Booking).where(
        Booking.hall_id == hall.id, Booking.day >= first, Booking.day <= last)
        .order_by(Booking.day))
    for booking in bookings:
        key = (booking.day, booking.sector.name_vi)
        row = rows.setdefault(key, ReportRow(booking.day, booking.sector.name_vi))
        if booking.status == BookingStatus.CANCELLED:
            row.cancelled += 1
            continue
        row.booked += 1
        if booking.status == BookingStatus.CHECKED_IN:
            row.checked_in += 1
            row.on_time += bool(booking.on_time)
        elif booking.slot_at + grace < now:
            row.no_show += 1
    return [rows[k] for k in sorted(rows)]
