"""What the console, the hall's counter list and the audit page read. Plain dictionaries.

The console re-reads its state over HTTP whenever a Socket.IO nudge arrives, so these
are the truth the officer sees; nothing here changes anything.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from motcua.core.accounts import staff_names
from motcua.core.clock import Clock, local_day
from motcua.core.ports import Ports
from motcua.counter.models import Rating
from motcua.queue import readmodels, services
from motcua.queue.models import Counter, Hall, Ticket, TicketEvent, TicketStatus
from motcua.queue.policy import Candidate, next_appointment_streak, next_priority_streak

UPCOMING = 5  # next numbers shown on the console


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def upcoming(reads: Ports, hall: Hall, counter: Counter, limit: int = UPCOMING) -> list[dict[str, Any]]:
    """The numbers this counter would call next, in the order `services.call_next` would
    call them if nothing else changed meanwhile: the same `CallingOrder` (the hall's policy,
    the counter's sectors as scheduled now, those its officer may help with), asked once per
    number shown with the priority and appointment streaks those calls would leave."""
    order = services.calling_order(reads, hall, counter)
    priority_streak = counter.consecutive_priority_calls
    appointment_streak = counter.consecutive_appointment_calls
    chosen: list[Candidate] = []
    while len(chosen) < limit:
        ordered = order.ordered([c.ticket_id for c in chosen], priority_streak=priority_streak,
                                appointment_streak=appointment_streak)
        if not ordered:
            break
        chosen.append(ordered[0])
        priority_streak = next_priority_streak(priority_streak, ordered[0].priority)
        appointment_streak = next_appointment_streak(appointment_streak, ordered[0], order.now)
    by_id = {t.id: t for t in reads.session.scalars(
        select(Ticket).where(Ticket.id.in_([c.ticket_id for c in chosen]))
        .options(joinedload(Ticket.sector)))}
    return [
        {"display_number": by_id[c.ticket_id].display_number,
         "sector": by_id[c.ticket_id].sector.code,
         "priority": c.priority,
         "appointment": c.appointment_at is not None,
         "reserved": by_id[c.ticket_id].reserved_counter_id == counter.id}
        for c in chosen
    ]


def service_seconds(ticket: Ticket) -> float | None:
    """Service time: from the start (or the call, when Start was skipped) to the finish."""
    begun = ticket.started_at or ticket.called_at
    if begun is None or ticket.finished_at is None:
        return None
    return (ticket.finished_at - begun).total_seconds()


def today_at_counter(session: Session, counter: Counter, day: date) -> dict[str, Any]:
    finished = session.scalars(
        select(Ticket).where(Ticket.counter_id == counter.id, Ticket.day == day,
                             Ticket.status.in_((TicketStatus.DONE, TicketStatus.NO_SHOW)))
    ).all()
    served = [t for t in finished if t.status == TicketStatus.DONE]
    durations = [s for s in (service_seconds(t) for t in served) if s is not None]
    return {
        "served": len(served),
        "no_show": len(finished) - len(served),
        "average_service_seconds": round(sum(durations) / len(durations)) if durations else None,
    }


def console_state(reads: Ports, hall: Hall, counter: Counter, user_id: int | None) -> dict[str, Any]:
    session, clock = reads.session, reads.clock
    day = local_day(clock, hall.time_zone)
    current = services.current_ticket(session, counter)
    view = readmodels.counter_view(counter, current)
    if current is not None and view["current"] is not None:
        view["current"]["transferred_from_counter"] = (
            current.transferred_from_counter.number if current.transferred_from_counter else None)
    view["mine"] = user_id is not None and counter.officer_id == user_id
    view["has_officer"] = counter.officer_id is not None
    waiting = services.waiting_counts(session, hall, day)
    reserved = session.scalar(
        select(func.count(Ticket.id)).where(Ticket.reserved_counter_id == counter.id,
                                            Ticket.day == day,
                                            Ticket.status == TicketStatus.WAITING)) or 0
    last_rating = session.scalar(
        select(Rating).where(Rating.counter_id == counter.id, Rating.day == day)
        .order_by(Rating.at.desc(), Rating.id.desc()).limit(1))
    return {
        "now": clock.now().isoformat(),
        "counter": view,
        "waiting": [{"sector": s.code, "count": waiting.get(s.code, 0)} for s in counter.sectors],
        "reserved_waiting": reserved,
        "next": upcoming(reads, hall, counter),
        "today": today_at_counter(session, counter, day),
        "last_rating": None if last_rating is None else {
            "display_number": last_rating.ticket.display_number,
            "level": last_rating.level.value,
            "at": _iso(last_rating.at),
        },
    }


def hall_overview(session: Session, clock: Clock, hall: Hall, user_id: int | None) -> dict[str, Any]:
    """The hall's queue snapshot, with which counters are free and which one is the viewer's."""
    snapshot = readmodels.queue_snapshot(session, clock, hall)
    owners = dict(session.execute(
        select(Counter.number, Counter.officer_id).where(Counter.hall_id == hall.id)).all())
    for counter in snapshot["counters"]:
        owner = owners.get(counter["number"])
        counter["free"] = owner is None
        counter["mine"] = user_id is not None and owner == user_id
    return snapshot


def day_bounds(hall: Hall, day: date) -> tuple[datetime, datetime]:
    """The instants a hall-local day starts and ends (midnight to midnight in the hall)."""
    zone = ZoneInfo(hall.time_zone)
    return (datetime.combine(day, time(), tzinfo=zone),
            datetime.combine(day + timedelta(days=1), time(), tzinfo=zone))


def day_events(session: Session, hall: Hall, day: date,
               kind: str | None = None) -> list[dict[str, Any]]:
    """The hall's event log for one day: what happened, to which ticket, where, who, why."""
    start, end = day_bounds(hall, day)
    query = (
        select(TicketEvent, Ticket.display_number, Counter.number)
        .outerjoin(Ticket, Ticket.id == TicketEvent.ticket_id)
        .outerjoin(Counter, Counter.id == TicketEvent.counter_id)
        .where(TicketEvent.hall_id == hall.id, TicketEvent.at >= start, TicketEvent.at < end)
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    if kind:
        query = query.where(TicketEvent.kind == kind)
    rows = session.execute(query).all()
    names = staff_names(session, (e.actor for e, _, _ in rows))
    zone = ZoneInfo(hall.time_zone)
    return [
        {
            "at": event.at.astimezone(zone),
            "kind": event.kind,
            "ticket": display_number,
            "counter": counter_number,
            "actor": event.actor,
            "actor_name": names.get(event.actor),
            "reason": event.reason,
            "data": event.data or {},
        }
        for event, display_number, counter_number in rows
    ]


def event_kinds(session: Session, hall: Hall, day: date) -> list[str]:
    start, end = day_bounds(hall, day)
    return list(session.scalars(
        select(TicketEvent.kind).where(TicketEvent.hall_id == hall.id, TicketEvent.at >= start,
                                       TicketEvent.at < end)
        .distinct().order_by(TicketEvent.kind)))
