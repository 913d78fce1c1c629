"""Which slots a sector offers: its bands, inside the hall's opening windows, on the hall's
working days (holiday table and swaps, `motcua.dossier.services.hall_calendar`), from the
lead time on and within the horizon; each with how many places are left."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from motcua.booking.bands import Band, within_hours
from motcua.booking.counts import slot_scope
from motcua.booking.models import BookingCount, BookingSettings
from motcua.core.clock import Clock, local_day
from motcua.dossier.services import hall_calendar
from motcua.queue.hours import parse_windows
from motcua.queue.models import Hall, Sector


@dataclass(frozen=True)
class Slot:
    at: datetime  # aware, hall-local
    minutes: int
    capacity: int
    taken: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)

    @property
    def local_time(self) -> str:
        return self.at.strftime("%H:%M")


def settings_of(session: Session, hall: Hall) -> BookingSettings | None:
    return session.get(BookingSettings, hall.id)


def bands_for(settings: BookingSettings, sector: Sector) -> list[Band]:
    return [b for b in (Band.of(row) for row in settings.bands) if b.sector == sector.code]


def offered_slots(session: Session, clock: Clock, hall: Hall, sector: Sector,
                  settings: BookingSettings, days: list[date] | None = None) -> list[Slot]:
    """Every slot one may book now (full ones too, with no place free), earliest first."""
    bands = bands_for(settings, sector)
    if not bands:
        return []
    zone = ZoneInfo(hall.time_zone)
    today = local_day(clock, hall.time_zone)
    earliest = clock.now() + timedelta(minutes=settings.lead_minutes)
    calendar = hall_calendar(session, hall, today)
    opening = parse_windows(hall.opening_windows)
    wanted = days if days is not None else [today + timedelta(days=n)
                                            for n in range(settings.horizon_days + 1)]
    wanted = [d for d in wanted if today <= d <= today + timedelta(days=settings.horizon_days)]
    taken = _taken(session, sector, wanted)
    slots: dict[datetime, Slot] = {}
    for day in wanted:
        if not calendar.is_working_day(day):
            continue
        for band in bands:
            for at in band.starts_on(day, zone):
                if at < earliest or not within_hours(at, band.slot_minutes, opening, zone):
                    continue
                used = taken.get((day, at.strftime("%H:%M")), 0)
                slots[at] = Slot(at, band.slot_minutes, band.capacity, used)
    return [slots[at] for at in sorted(slots)]


def _taken(session: Session, sector: Sector, days: list[date]) -> dict[tuple[date, str], int]:
    if not days:
        return {}
    prefix = slot_scope(sector.id, "")
    rows = session.execute(select(BookingCount.scope, BookingCount.day, BookingCount.taken).where(
        BookingCount.scope.startswith(prefix), BookingCount.day.in_(days)))
    return {(day, scope.removeprefix(prefix)): taken for scope, day, taken in rows}
