"""A real hall day as a scenario: the citizens as they came (ticket times, sectors, priority)
and as long as they took (service times measured at the counters), the counters with the
hours they were open. Run as it is, it shows how the simulator reproduces the day; saved as
TOML and edited (a counter more for land that morning), it answers "what if".
"""
from __future__ import annotations

import itertools
import statistics
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import tomli_w
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from motcua.queue.hours import parse_windows
from motcua.queue.models import Counter, CounterSector, Hall, Sector, Ticket, TicketEvent, TicketStatus
from motcua.queue.services import get_hall, settings_of
from motcua.simulate.scenario import SIMULATED_SETTINGS, Scenario, ScenarioError, parse_scenario

OPENS = ("counter_opened", "counter_resumed")
STOPS = ("counter_paused", "counter_closed")


def _clock(moment: time) -> str:
    return "24:00" if moment == time.max else moment.strftime("%H:%M")


def _local_minutes(instant: datetime, midnight: datetime) -> float:
    return (instant - midnight).total_seconds() / 60


def _at(minutes: float) -> str:
    seconds = max(0, min(round(minutes * 60), 24 * 3600))
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _window(start: float, end: float) -> str:
    return f"{_at(start)}-{_at(end)}"


def scenario_from_hall(session: Session, hall_code: str, day: date) -> Scenario:
    """The hall's `day` (hall-local date) as a scenario with one visit per ticket."""
    hall = get_hall(session, hall_code)
    zone = ZoneInfo(hall.time_zone)
    midnight = datetime.combine(day, time(0), zone).astimezone(UTC)
    tickets = session.scalars(
        select(Ticket).where(Ticket.hall_id == hall.id, Ticket.day == day)
        .options(selectinload(Ticket.sector)).order_by(Ticket.issued_at, Ticket.id)).all()
    if not tickets:
        raise ScenarioError("Hall '%(hall)s' issued no ticket on %(day)s", hall=hall.code,
                            day=day.isoformat())
    sectors = session.scalars(select(Sector).where(Sector.hall_id == hall.id)
                              .order_by(Sector.position)).all()
    codes = {sector.id: sector.code for sector in sectors}
    measured: dict[str, list[float]] = {}
    for ticket in tickets:
        minutes = _service_minutes(ticket)
        if minutes is not None:
            measured.setdefault(codes[ticket.sector_id], []).append(minutes)
    default = settings_of(hall).default_service_minutes
    visits = [_visit(ticket, codes, measured, default, midnight) for ticket in tickets]

    windows = parse_windows(hall.opening_windows)
    first_minute = min(_local_minutes(t.issued_at, midnight) for t in tickets)
    counters = _counters(session, hall, midnight)
    data: dict[str, Any] = {
        "name": f"{hall.name}, {day.isoformat()}",
        "day": day,
        "opens": _clock(windows[0][0]) if first_minute >= _minutes_of(windows[0][0]) else _at(first_minute),
        "closes": _clock(windows[-1][1]),
        "breaks": [f"{_clock(end)}-{_clock(start)}" for (_, end), (start, _) in itertools.pairwise(windows)],
        "settings": {k: v for k, v in settings_of(hall).as_dict().items() if k in SIMULATED_SETTINGS},
        "sectors": [{"code": s.code, "name": s.name_vi} | ({"daily_cap": s.daily_cap} if s.daily_cap else {})
                    for s in sectors],
        "counters": counters,
        "visits": visits,
    }
    return parse_scenario(data, f"hall {hall.code} on {day.isoformat()}")


def _minutes_of(moment: time) -> float:
    return moment.hour * 60 + moment.minute + moment.second / 60


def _service_minutes(ticket: Ticket) -> float | None:
    """From the start of service (or the call) to its end, for a ticket that was served."""
    begun = ticket.started_at or ticket.called_at
    if ticket.status != TicketStatus.DONE or begun is None or ticket.finished_at is None:
        return None
    return max(0.0, (ticket.finished_at - begun).total_seconds() / 60)


def _visit(ticket: Ticket, codes: dict[int, str], measured: dict[str, list[float]],
           default: float, midnight: datetime) -> dict[str, Any]:
    """A ticket as a visit. One that was never served takes its sector's median time; a
    cancelled one did not come, as a no-show."""
    sector = codes[ticket.sector_id]
    visit: dict[str, Any] = {"at": _at(_local_minutes(ticket.issued_at, midnight)),
                             "sector": codes[ticket.issued_sector_id]}
    if ticket.priority is not None:
        visit["priority"] = True
    if ticket.status in (TicketStatus.NO_SHOW, TicketStatus.CANCELLED):
        visit["no_show"] = True
    else:
        minutes = _service_minutes(ticket)
        if minutes is None:
            minutes = statistics.median(measured[sector]) if sector in measured else default
        visit["service_minutes"] = round(minutes, 2)
    if ticket.sector_id != ticket.issued_sector_id:
        visit["transfer_to"] = sector
    return visit


def _counters(session: Session, hall: Hall, midnight: datetime) -> list[dict[str, Any]]:
    """Each counter that serves a sector, with the hours it was open that day: from its
    open/resume and pause/close events (open from the day's start if its first event stops
    it, to the day's end if its last one opens it); a counter without such events but that
    called tickets kept the hall's hours, one without either was closed."""
    day_end = midnight + timedelta(days=1)
    events = session.execute(
        select(TicketEvent.counter_id, TicketEvent.kind, TicketEvent.at)
        .where(TicketEvent.hall_id == hall.id, TicketEvent.at >= midnight, TicketEvent.at < day_end,
               TicketEvent.counter_id.is_not(None))
        .order_by(TicketEvent.at, TicketEvent.id)).all()
    counters = session.scalars(
        select(Counter).where(Counter.hall_id == hall.id).order_by(Counter.number)
        .options(selectinload(Counter.sector_links).selectinload(CounterSector.sector))).all()
    result = []
    for counter in counters:
        if not counter.sector_links:
            continue
        spec: dict[str, Any] = {"number": counter.number,
                                "sectors": [link.sector.code for link in counter.sector_links]}
        mine = [(kind, _local_minutes(at, midnight)) for counter_id, kind, at in events
                if counter_id == counter.id]
        switches = [(kind, minute) for kind, minute in mine if kind in OPENS + STOPS]
        if switches:
            spec["hours"] = _open_periods(switches)
        elif not mine:
            spec["hours"] = []
        result.append(spec)
    return result


def _open_periods(switches: list[tuple[str, float]]) -> list[str]:
    periods, since = [], 0.0 if switches[0][0] in STOPS else None
    for kind, minute in switches:
        if kind in OPENS and since is None:
            since = minute
        elif kind in STOPS and since is not None:
            if minute > since:
                periods.append(_window(since, minute))
            since = None
    if since is not None and since < 24 * 60:
        periods.append(_window(since, 24 * 60))
    return periods


def scenario_toml(scenario: Scenario) -> str:
    """The scenario as a TOML file `load_scenario` reads back."""
    return tomli_w.dumps(scenario.model_dump(exclude_none=True, exclude_defaults=True)
                         | {"name": scenario.name, "day": scenario.day})
