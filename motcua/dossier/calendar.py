"""The hall's working calendar: when a dossier is due, and whether it was done on time; and
the holiday table it reads (Vietnam's statutory days off, a hall's own days, yearly swaps).

A due date is a promise printed on the receipt, so it counts only the time the hall
works: its opening windows, its working weekdays and its holiday table. Everything is
reckoned in hall-local time: midnight UTC is 07:00 in Vietnam, so a UTC or server date
would put dossiers on the wrong day right at opening time.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import lunar_vn
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from motcua.core.clock import HALL_TIME_ZONE
from motcua.core.errors import N_, Problems, invalid
from motcua.core.uow import UnitOfWork, use_case
from motcua.dossier.models import Holiday as HolidayRow
from motcua.dossier.models import HolidayKind

Window = tuple[time, time]
"""An opening window of a day, (opens, closes), in hall-local wall time."""

STANDARD_WINDOWS: tuple[Window, ...] = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
MORNING_WINDOWS: tuple[Window, ...] = (STANDARD_WINDOWS[0],)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


class Unit(StrEnum):
    """How a procedure's statutory processing time is expressed."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"


class Outcome(StrEnum):
    """A completed dossier against its due date, compared by hall-local date."""

    EARLY = "early"  # trước hạn
    ON_TIME = "on_time"  # đúng hạn
    LATE = "late"  # trễ hạn


@dataclass(frozen=True)
class WorkingCalendar:
    """When a hall works.

    `windows` are the opening windows of a normal working day and `working_weekdays`
    the days that have them (0 = Monday). `weekday_windows` gives other windows to
    some weekdays and makes them working days, e.g. ``{SATURDAY: MORNING_WINDOWS}``
    for a hall open on Saturday morning. `holidays` are dates off; a
    `compensatory_working_days` date (a yearly swap that makes a Saturday a working day)
    works the normal `windows`. A working day counts `hours_per_day` working hours
    whatever its windows add up to.
    """

    windows: tuple[Window, ...] = STANDARD_WINDOWS
    working_weekdays: frozenset[int] = frozenset(range(MONDAY, SATURDAY))
    weekday_windows: Mapping[int, tuple[Window, ...]] = field(default_factory=dict, hash=False)
    holidays: frozenset[date] = frozenset()
    compensatory_working_days: frozenset[date] = frozenset()
    hours_per_day: float = 8.0
    time_zone: str = HALL_TIME_ZONE

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "compensatory_working_days", frozenset(self.compensatory_working_days))
        object.__setattr__(self, "working_weekdays", frozenset(self.working_weekdays))
        object.__setattr__(
            self, "weekday_windows", MappingProxyType({d: tuple(w) for d, w in self.weekday_windows.items()})
        )
        try:
            ZoneInfo(self.time_zone)  # an unknown zone fails here, not at the first intake
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from exc
        for windows in (self.windows, *self.weekday_windows.values()):
            _check_windows(windows)
        weekdays = self.working_weekdays | self.weekday_windows.keys()
        if not weekdays <= set(range(7)):
            raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), got {sorted(weekdays)}")
        if not any(self._weekly_windows(d) for d in range(7)):
            raise ValueError("a working calendar needs at least one working weekday with opening windows")
        if self.hours_per_day <= 0:
            raise ValueError("hours_per_day must be positive")
        both = self.holidays & self.compensatory_working_days
        if both:
            raise ValueError(f"dates both holidays and compensatory working days: {sorted(both)}")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def _weekly_windows(self, weekday: int) -> tuple[Window, ...]:
        if weekday in self.weekday_windows:
            return self.weekday_windows[weekday]
        return self.windows if weekday in self.working_weekdays else ()

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """The opening windows of a hall-local date; empty on a day off."""
        if day in self.holidays:
            return ()
        if day in self.compensatory_working_days:
            return self.windows
        return self._weekly_windows(day.weekday())

    def is_working_day(self, day: date) -> bool:
        return bool(self.windows_on(day))

    def _spans(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The hall's working spans from `start` on, the first one clipped to `start`."""
        local = _require_aware(start, "start").astimezone(self.zone)
        day = local.date()
        while True:
            for opens, closes in self.windows_on(day):
                end = datetime.combine(day, closes, self.zone)
                if end > local:
                    yield max(datetime.combine(day, opens, self.zone), local), end
            day += timedelta(days=1)

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of working time has passed since `start`.

        Time before opening, at lunch, after closing and on days off does not count, so
        work that fills a window exactly ends at its closing time, not the next morning.
        """
        if duration <= timedelta(0):
            raise ValueError("working time to add must be positive")
        spans = self._spans(start)
        begin, end = next(spans)
        remaining = duration
        while remaining > end - begin:
            remaining -= end - begin
            begin, end = next(spans)
        return begin + remaining

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much of [start, end) the hall was open."""
        total = timedelta(0)
        if _require_aware(end, "end") <= _require_aware(start, "start"):
            return total
        for begin, close in self._spans(start):
            if begin >= end:
                break
            total += min(close, end) - begin
        return total

    def due_at(self, received_at: datetime, amount: int | float, unit: Unit | str) -> datetime:
        """The due date of a dossier received at `received_at`, in hall-local time.

        Working days and hours count working time from the receipt (a working day is
        `hours_per_day` hours, so half a day is 4 hours by default); a dossier filed after
        hours, at lunch or on a day off starts counting at the next opening.

        Calendar days: counting starts on the day after the dossier is effectively
        received (Civil Code 2015 art. 147; after-hours filing is received at the next
        opening, as for working time) and the dossier is due when the hall closes on the
        last day. If that day is a day off, it is due when the hall closes on the next
        working day (Civil Code 2015 art. 148).
        """
        unit = Unit(unit)
        if amount <= 0:
            raise ValueError(f"processing time must be positive, got {amount}")
        if unit is Unit.WORKING_HOURS:
            return self.add_working_time(received_at, timedelta(hours=amount))
        if unit is Unit.WORKING_DAYS:
            return self.add_working_time(received_at, timedelta(hours=amount * self.hours_per_day))
        if not float(amount).is_integer():
            raise ValueError(f"calendar days must be whole, got {amount}")
        received, _ = next(self._spans(received_at))
        last = received.date() + timedelta(days=int(amount))
        while not self.is_working_day(last):
            last += timedelta(days=1)
        return datetime.combine(last, self.windows_on(last)[-1][1], self.zone)

    def extend_for_pause(self, due_at: datetime, paused_from: datetime, resumed_at: datetime) -> datetime:
        """The due date moved by the working time the clock stood still.

        A supplement request pauses a dossier's clock until the applicant brings the
        missing papers; the hall owes the working time that was left, not the wall time.
        """
        if _require_aware(resumed_at, "resumed_at") < _require_aware(paused_from, "paused_from"):
            raise ValueError("a pause cannot end before it starts")
        paused = self.working_time_between(paused_from, resumed_at)
        if not paused:
            return _require_aware(due_at, "due_at").astimezone(self.zone)
        return self.add_working_time(due_at, paused)


def classify(completed_at: datetime, due_at: datetime, time_zone: str = HALL_TIME_ZONE) -> Outcome:
    """Early, on time or late, by hall-local date as the on-time statistics require.

    A dossier finished at 06:30 the day after its due date is late, although that is
    still the due date in UTC; only the hall's calendar date counts.
    """
    zone = ZoneInfo(time_zone)
    done = _require_aware(completed_at, "completed_at").astimezone(zone).date()
    due = _require_aware(due_at, "due_at").astimezone(zone).date()
    if done < due:
        return Outcome.EARLY
    return Outcome.ON_TIME if done == due else Outcome.LATE


def on_time_rate(outcomes: Iterable[Outcome | str]) -> float | None:
    """(early + on time) ÷ completed; None when nothing was completed, as 0 % would accuse."""
    counts = Counter(Outcome(o) for o in outcomes)
    completed = sum(counts.values())
    if not completed:
        return None
    return (counts[Outcome.EARLY] + counts[Outcome.ON_TIME]) / completed


@dataclass(frozen=True)
class Holiday:
    """A row of the editable holiday table: a date off and its Vietnamese name."""

    day: date
    name_vi: str


def default_holidays(year: int, national_day_extra: int = 1) -> list[Holiday]:
    """Vietnam's statutory days off in `year`, as the starting point of a hall's table.

    Labor Code 2019 art. 112: 1/1; Tết, five days, here the last day of the lunar year
    and the first four of the new one; Giỗ Tổ Hùng Vương (10/3 lunar); 30/4; 1/5; 2/9
    and one adjacent day, which the Prime Minister fixes yearly as 1/9 or 3/9
    (`national_day_extra`, 1/9 by default). From 2026, 24/11, Ngày Văn hóa Việt Nam
    (Resolution 80-NQ/TW). A day off that falls on Saturday or Sunday, the public
    service's weekly rest, is made up on the next working day (art. 111(3)).
    The Government's yearly swaps and its own choice of Tết days are not derivable:
    the hall's administrator edits the table for them.
    """
    if national_day_extra not in (1, 3):
        raise ValueError("the day adjacent to National Day is 1 or 3 September")
    # lunar_vn computes the Vietnamese calendar (Hồ Ngọc Đức's method, new moons and
    # solar terms reckoned at UTC+7). Chinese-calendar libraries such as lunardate reckon
    # at UTC+8 and are wrong for Vietnam in some years: Tết 1985, 2007, 2030 and 2053,
    # Giỗ Tổ 2009, 2037 and 2038. The tests pin those dates.
    tet = lunar_vn.lunar_to_solar(lunar_vn.LunarDate(1, 1, year), time_zone=7.0)
    hung_kings = lunar_vn.lunar_to_solar(lunar_vn.LunarDate(10, 3, year), time_zone=7.0)
    days = [
        Holiday(date(year, 1, 1), "Tết Dương lịch"),
        Holiday(tet - timedelta(days=1), "Tết Nguyên đán (ngày cuối năm Âm lịch)"),
        *(Holiday(tet + timedelta(days=n - 1), f"Tết Nguyên đán (mùng {n})") for n in range(1, 5)),
        Holiday(hung_kings, "Giỗ Tổ Hùng Vương (10/3 Âm lịch)"),
        Holiday(date(year, 4, 30), "Ngày Chiến thắng (30/4)"),
        Holiday(date(year, 5, 1), "Ngày Quốc tế Lao động (1/5)"),
        Holiday(date(year, 9, 2), "Quốc khánh (2/9)"),
        Holiday(date(year, 9, national_day_extra), f"Quốc khánh ({national_day_extra}/9)"),
    ]
    if year >= 2026:
        days.append(Holiday(date(year, 11, 24), "Ngày Văn hóa Việt Nam (24/11)"))
    days.sort(key=lambda h: h.day)
    off = {h.day for h in days}
    made_up: list[Holiday] = []
    for holiday in days:
        if holiday.day.weekday() >= SATURDAY:
            substitute = holiday.day + timedelta(days=1)
            while substitute.weekday() >= SATURDAY or substitute in off:
                substitute += timedelta(days=1)
            off.add(substitute)
            made_up.append(Holiday(substitute, f"Nghỉ bù {holiday.name_vi}"))
    return sorted(days + made_up, key=lambda h: h.day)


# --- the holiday table: a row for every hall (hall_id None) or for one ------------------------


def holidays(session: Session, hall_id: int, year: int) -> list[HolidayRow]:
    """The year's rows for a hall: the table for every hall and the hall's own rows."""
    return list(session.scalars(
        select(HolidayRow)
        .where(or_(HolidayRow.hall_id.is_(None), HolidayRow.hall_id == hall_id),
               HolidayRow.day >= date(year, 1, 1), HolidayRow.day <= date(year, 12, 31))
        .order_by(HolidayRow.day, HolidayRow.hall_id)))


def holiday_of(session: Session, hall_id: int, holiday_id: int) -> HolidayRow | None:
    """A row the hall sees (its own or every hall's), if there is one with that id."""
    holiday = session.get(HolidayRow, holiday_id)
    return holiday if holiday is not None and holiday.hall_id in (None, hall_id) else None


@use_case
def add_holiday(uow: UnitOfWork, *, hall_id: int, day: date, name: str,
                kind: HolidayKind = HolidayKind.HOLIDAY,
                for_every_hall: bool = False) -> HolidayRow:
    """A day off, or a weekend day worked in a yearly swap (kind WORKING_DAY)."""
    session = uow.session
    problems = Problems()
    if not name or len(name) > 200:
        problems.add("name", N_("Hãy nhập tên ngày (tối đa %(max)d ký tự)."), max=200)
    if kind == HolidayKind.WORKING_DAY and day.weekday() < SATURDAY:
        problems.add("day", N_("Ngày làm bù phải là thứ Bảy hoặc Chủ Nhật."))
    clash = session.scalar(select(HolidayRow).where(
        HolidayRow.day == day, or_(HolidayRow.hall_id.is_(None), HolidayRow.hall_id == hall_id)))
    if clash is not None:
        problems.add("day", N_("Ngày %(day)s đã có trong bảng: %(name)s."),
                     day=day.strftime("%d/%m/%Y"), name=clash.name_vi)
    problems.raise_any()
    holiday = HolidayRow(hall_id=None if for_every_hall else hall_id, day=day, name_vi=name,
                         kind=kind)
    session.add(holiday)
    return holiday


@use_case
def delete_holiday(uow: UnitOfWork, *, holiday: HolidayRow) -> None:
    uow.session.delete(holiday)


def check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise invalid("year", N_("Hãy nhập một năm từ %(low)d đến %(high)d."), low=2000, high=2100)


@use_case
def load_default_holidays(uow: UnitOfWork, *, hall_id: int, year: int,
                          for_every_hall: bool = True) -> list[Holiday]:
    """Add Vietnam's statutory days off for a year; days already in the table are kept.
    Answers the days added."""
    check_year(year)
    taken = {h.day for h in holidays(uow.session, hall_id, year)}
    added = [h for h in default_holidays(year) if h.day not in taken]
    uow.session.add_all(HolidayRow(hall_id=None if for_every_hall else hall_id, day=h.day,
                                   name_vi=h.name_vi, kind=HolidayKind.HOLIDAY) for h in added)
    return added


def _check_windows(windows: tuple[Window, ...]) -> None:
    previous_close: time | None = None
    for opens, closes in windows:
        if opens >= closes:
            raise ValueError(f"window {opens}–{closes} closes before it opens")
        if previous_close is not None and opens < previous_close:
            raise ValueError("windows must be in order and must not overlap")
        previous_close = closes


def _require_aware(instant: datetime, name: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return instant
