"""The leaders' live view: who waits where and for how long, which counters are idle.

A plain dictionary the page re-reads when the hall's events nudge it, on every (re)connect,
and at the moment the next sector will pass its waiting threshold (`next_alert_at`): the
database is the truth, events only say when to look again.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from motcua.core.clock import Clock, local_day, local_now
from motcua.queue.models import (
    Counter,
    CounterSector,
    CounterState,
    Hall,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from motcua.queue.services import ACTIVE
from motcua.queue.settings import HallSettings

SHOWN_PER_SECTOR = 6  # waiting numbers listed under each sector


def _minutes(since: datetime | None, now: datetime) -> int | None:
    return None if since is None else max(0, int((now - since).total_seconds() // 60))


def live_view(session: Session, clock: Clock, hall: Hall) -> dict[str, Any]:
    now = clock.now()
    day = local_day(clock, hall.time_zone)
    day_start = datetime.combine(day, time(0), tzinfo=ZoneInfo(hall.time_zone)).astimezone(UTC)
    settings = HallSettings.of(hall.settings)
    waiting = session.execute(
        select(Ticket.display_number, Ticket.sector_id, Ticket.queued_at, Ticket.priority)
        .where(Ticket.hall_id == hall.id, Ticket.day == day, Ticket.status == TicketStatus.WAITING)
        .order_by(Ticket.queued_at, Ticket.id)).all()
    lines: dict[int, list[Any]] = {}
    for row in waiting:
        lines.setdefault(row.sector_id, []).append(row)
    sectors = []
    next_alert: datetime | None = None
    for sector in hall.sectors:
        line = lines.get(sector.id, [])
        longest = _minutes(line[0].queued_at, now) if line else None
        threshold = settings.wait_alert_for(sector.code)
        alert = longest is not None and longest >= threshold
        if line and not alert:
            at = line[0].queued_at + timedelta(minutes=threshold)
            next_alert = at if next_alert is None else min(next_alert, at)
        sectors.append({
            "code": sector.code, "name_vi": sector.name_vi, "name_en": sector.name_en,
            "is_open": sector.is_open, "waiting": len(line), "longest_minutes": longest,
            "threshold_minutes": threshold, "alert": alert,
            "numbers": [{"display_number": t.display_number, "minutes": _minutes(t.queued_at, now),
                         "priority": t.priority.value if t.priority else None}
                        for t in line[:SHOWN_PER_SECTOR]],
        })
    counters = session.scalars(
        select(Counter).where(Counter.hall_id == hall.id).order_by(Counter.number)
        .options(selectinload(Counter.sector_links).selectinload(CounterSector.sector),
                 selectinload(Counter.officer))).all()
    serving = {t.counter_id: t for t in session.scalars(
        select(Ticket).where(Ticket.hall_id == hall.id, Ticket.status.in_(ACTIVE)))}
    last_activity = dict(session.execute(
        select(TicketEvent.counter_id, func.max(TicketEvent.at))
        .where(TicketEvent.hall_id == hall.id, TicketEvent.at >= day_start,
               TicketEvent.counter_id.is_not(None))
        .group_by(TicketEvent.counter_id)).all())
    counter_rows = []
    for counter in counters:
        current = serving.get(counter.id)
        idle = counter.state == CounterState.OPEN and current is None
        counter_rows.append({
            "number": counter.number, "name": counter.name, "state": counter.state.value,
            "officer": counter.officer.full_name if counter.officer else None,
            "sectors": [link.sector.code for link in counter.sector_links],
            "current": None if current is None else {
                "display_number": current.display_number, "status": current.status.value,
                "minutes": _minutes(current.started_at or current.called_at, now)},
            "idle": idle,
            "idle_minutes": _minutes(last_activity.get(counter.id), now) if idle else None,
        })
    return {
        "hall": {"code": hall.code, "name": hall.name},
        "now": local_now(clock, hall.time_zone).isoformat(),
        "threshold_minutes": settings.wait_alert_minutes,
        "next_alert_at": None if next_alert is None else next_alert.isoformat(),
        "sectors": sectors,
        "counters": counter_rows,
        "alerts": [s["code"] for s in sectors if s["alert"]],
        "totals": {"waiting": len(waiting),
                   "open_counters": sum(1 for c in counters if c.state == CounterState.OPEN),
                   "idle_counters": sum(1 for c in counter_rows if c["idle"])},
    }
