"""What screens read: a hall's sectors, its queue snapshot, a ticket's public status.

Plain dictionaries, ready for JSON; pages fetch these over HTTP on (re)connect.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from motcua.core.clock import Clock, local_day, local_now
from motcua.queue.estimates import wait_range
from motcua.queue.hours import within
from motcua.queue.models import (
    Counter,
    CounterSector,
    CounterState,
    Hall,
    Sector,
    Ticket,
    TicketStatus,
)
from motcua.queue.services import (
    ACTIVE,
    daily_capacity,
    forecast_of,
    people_ahead,
    sector_counters,
    waiting_counts,
)
from motcua.queue.settings import HallSettings


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def sector_availability(clock: Clock, hall: Hall, sector: Sector, issued_today: int) -> str:
    """"open", or why a kiosk cannot issue for the sector now."""
    if not sector.is_open:
        return "closed"
    if not within(sector.issuing_windows or hall.opening_windows, local_now(clock, hall.time_zone)):
        return "outside_window"
    if issued_today >= daily_capacity(sector):
        return "cap_reached"
    return "open"


def hall_sectors(session: Session, clock: Clock, hall: Hall) -> list[dict[str, Any]]:
    day = local_day(clock, hall.time_zone)
    waiting = waiting_counts(session, hall, day)
    issued = dict(
        session.execute(
            select(Ticket.sector_id, func.count(Ticket.id))
            .where(Ticket.hall_id == hall.id, Ticket.day == day)
            .group_by(Ticket.sector_id)
        ).all()
    )
    forecast = forecast_of(session, clock, hall)
    result = []
    for sector in hall.sectors:
        issued_today = issued.get(sector.id, 0)
        availability = sector_availability(clock, hall, sector, issued_today)
        estimate = forecast.estimate(sector.id, waiting.get(sector.code, 0))
        told = wait_range(estimate.minutes, estimate.spread)
        result.append({
            "code": sector.code,
            "name_vi": sector.name_vi,
            "name_en": sector.name_en,
            "icon": sector.icon,
            "is_open": availability == "open",
            "availability": availability,
            "issuing_windows": sector.issuing_windows or hall.opening_windows,
            "waiting": waiting.get(sector.code, 0),
            "estimated_wait_minutes": estimate.minutes,
            "estimated_wait": {"low": told.low, "high": told.high},
            # a ticket taken now would be called after closing: the kiosk asks first
            "past_closing": estimate.past_closing,
            "issued_today": issued_today,
            "remaining_today": max(0, daily_capacity(sector) - issued_today),
        })
    return result


def counter_view(counter: Counter, current: Ticket | None) -> dict[str, Any]:
    return {
        "number": counter.number,
        "name": counter.name,
        "state": counter.state.value,
        "officer": counter.officer.full_name if counter.officer else None,
        "sectors": [link.sector.code for link in counter.sector_links],
        "current": None if current is None else {
            "display_number": current.display_number,
            "number": current.number,
            "sector": current.sector.code,
            "status": current.status.value,
            "called_at": _iso(current.called_at),
            "started_at": _iso(current.started_at),
            "call_count": current.call_count,
            "priority": current.priority.value if current.priority else None,
            "appointment": current.appointment_at is not None,
        },
    }


def queue_snapshot(session: Session, clock: Clock, hall: Hall, recent: int = 10) -> dict[str, Any]:
    day = local_day(clock, hall.time_zone)
    counters = session.scalars(
        select(Counter).where(Counter.hall_id == hall.id).order_by(Counter.number)
        .options(selectinload(Counter.sector_links).selectinload(CounterSector.sector),
                 selectinload(Counter.officer))
    ).all()
    active = {
        t.counter_id: t
        for t in session.scalars(
            select(Ticket).where(Ticket.hall_id == hall.id, Ticket.status.in_(ACTIVE))
            .order_by(Ticket.called_at)
        )
    }
    calls = session.scalars(
        select(Ticket).where(Ticket.hall_id == hall.id, Ticket.day == day,
                             Ticket.called_at.is_not(None))
        .order_by(Ticket.called_at.desc()).limit(recent)
    ).all()
    waiting = session.scalars(
        select(Ticket).where(Ticket.hall_id == hall.id, Ticket.day == day,
                             Ticket.status == TicketStatus.WAITING)
        .order_by(Ticket.priority.is_(None), Ticket.queued_at, Ticket.id)
    ).all()
    return {
        "hall": {"code": hall.code, "name": hall.name, "time_zone": hall.time_zone,
                 "day": day.isoformat(), "now": local_now(clock, hall.time_zone).isoformat()},
        "sectors": hall_sectors(session, clock, hall),
        "counters": [counter_view(c, active.get(c.id)) for c in counters],
        "recent_calls": [
            {"display_number": t.display_number, "number": t.number, "sector": t.sector.code,
             "counter": t.counter.number if t.counter else None, "called_at": _iso(t.called_at),
             "status": t.status.value}
            for t in calls
        ],
        "waiting": [
            {"display_number": t.display_number, "sector": t.sector.code,
             "priority": t.priority.value if t.priority else None,
             "queued_at": _iso(t.queued_at),
             "reserved_counter": _counter_number(session, t.reserved_counter_id)}
            for t in waiting
        ],
        "open_counters": sum(1 for c in counters if c.state == CounterState.OPEN),
    }


def _counter_number(session: Session, counter_id: int | None) -> int | None:
    return session.get_one(Counter, counter_id).number if counter_id is not None else None


def ticket_status(session: Session, clock: Clock, ticket: Ticket) -> dict[str, Any]:
    """A ticket's public face: what the phone page behind the QR code shows. No personal data."""
    hall = ticket.hall
    today = local_day(clock, hall.time_zone)
    ahead = people_ahead(session, ticket, clock.now()) if ticket.day == today else 0
    waiting = ticket.status == TicketStatus.WAITING and ticket.day == today
    near = HallSettings.of(hall.settings).near_turn_people
    estimate = (forecast_of(session, clock, hall).estimate(
        ticket.sector_id, ahead, priority=ticket.priority is not None) if waiting else None)
    wait = estimate.minutes if estimate else 0
    told = wait_range(wait, estimate.spread if estimate else 0.0)
    return {
        "token": ticket.token,
        "hall": {"code": hall.code, "name": hall.name},
        "number": ticket.number,
        "display_number": ticket.display_number,
        "sector": {"code": ticket.sector.code, "name_vi": ticket.sector.name_vi,
                   "name_en": ticket.sector.name_en},
        "status": ticket.status.value,
        "priority": ticket.priority.value if ticket.priority else None,
        "day": ticket.day.isoformat(),
        "is_today": ticket.day == today,
        "issued_at": _iso(ticket.issued_at),
        "called_at": _iso(ticket.called_at),
        "counter": ticket.counter.number if ticket.counter else None,
        "call_count": ticket.call_count,
        "ahead": ahead if waiting else 0,
        "near": waiting and ahead <= near,  # few enough ahead to come close to the counters
        "estimated_wait_minutes": wait,
        "estimated_wait": {"low": told.low, "high": told.high},
        "counters": list(sector_counters(session, hall, ticket.sector_id, clock)),
        "transferred": ticket.transferred_from_counter_id is not None,
    }
