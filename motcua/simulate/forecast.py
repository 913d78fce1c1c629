"""The rest of today, simulated from now: which counter a leader could open for a sector whose
predicted wait passes its threshold, and what that would do ("Mở thêm quầy 7 cho Đất đai: chờ
dự kiến 42 → 18 phút").

The forecast is a scenario built from the hall as it is — the citizens waiting now, the
arrivals at the pace of the last hour, the open counters with the sectors they serve now and
their officers' qualifications, the service times the wait estimate measures — run through
the simulator's engine (so through the real calling services, under the hall's policy), once
as it is and once per proposed move. A move puts the sector first on a counter that does not
serve it; the counter proposed is the one whose own citizens the baseline run expects to wait
least.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from motcua.core.clock import Clock, local_day, local_now
from motcua.core.ports import Ports
from motcua.queue.hours import parse_windows
from motcua.queue.models import (
    Counter,
    CounterSector,
    CounterState,
    Hall,
    StaffQualification,
    Ticket,
    TicketStatus,
)
from motcua.queue.services import service_rates, settings_of
from motcua.simulate.engine import DayResult, simulate
from motcua.simulate.scenario import SIMULATED_SETTINGS, Scenario, parse_scenario

MOVES_AT_MOST = 2  # sectors a forecast proposes a counter for, the worst first
SEED = 1


@dataclass(frozen=True)
class Move:
    """Open counter `counter` for `sector` too (as its first sector)."""

    counter: int
    sector: str
    sector_name: str
    wait_before: int  # predicted mean wait of the sector's citizens from now, minutes
    wait_after: int


def _clock_text(minutes: float) -> str:
    seconds = max(0, min(round(minutes * 60), 24 * 3600))
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _minutes_of(moment: time) -> float:
    return moment.hour * 60 + moment.minute + moment.second / 60 + (1 / 60 if moment == time.max else 0)


def current_scenario(session: Session, clock: Clock, hall: Hall) -> Scenario | None:
    """The hall from now to its closing as a scenario (None once it has closed)."""
    local = local_now(clock, hall.time_zone)
    now = local.hour * 60 + local.minute + local.second / 60
    windows = [(_minutes_of(a), _minutes_of(b)) for a, b in parse_windows(hall.opening_windows)]
    windows = [(max(a, now), b) for a, b in windows if b > now + 1]
    if not windows:
        return None
    day = local_day(clock, hall.time_zone)
    rates = service_rates(session, clock, hall)
    arrived = dict(session.execute(
        select(Ticket.issued_sector_id, func.count(Ticket.id))
        .where(Ticket.hall_id == hall.id, Ticket.day == day,
               Ticket.issued_at >= clock.now() - timedelta(hours=1))
        .group_by(Ticket.issued_sector_id)).all())
    waiting = session.execute(
        select(Ticket.sector_id, Ticket.priority)
        .where(Ticket.hall_id == hall.id, Ticket.day == day, Ticket.status == TicketStatus.WAITING)
        .order_by(Ticket.queued_at, Ticket.id)).all()
    counters = session.scalars(
        select(Counter).where(Counter.hall_id == hall.id, Counter.state == CounterState.OPEN)
        .options(selectinload(Counter.sector_links).selectinload(CounterSector.sector))
        .order_by(Counter.number)).all()
    qualified: dict[int, list[int]] = {}
    for user_id, sector_id in session.execute(select(StaffQualification.staff_user_id,
                                                     StaffQualification.sector_id)):
        qualified.setdefault(user_id, []).append(sector_id)
    codes = {s.id: s.code for s in hall.sectors}
    opens = _clock_text(windows[0][0])
    counter_specs = []
    for counter in counters:
        own = [link.sector.code for link in counter.sector_links if link.serves_at(local)]
        if own:
            counter_specs.append({"number": counter.number, "sectors": own, "qualified": [
                codes[s] for s in qualified.get(counter.officer_id or 0, []) if codes[s] not in own]})
    if not counter_specs or not waiting:
        return None
    data: dict[str, Any] = {
        "name": f"{hall.name}: dự báo", "day": day, "opens": opens,
        "closes": _clock_text(windows[-1][1]),
        "breaks": [f"{_clock_text(end)}-{_clock_text(start)}"
                   for (_, end), (start, _) in itertools.pairwise(windows)],
        "settings": {k: v for k, v in settings_of(hall).as_dict().items() if k in SIMULATED_SETTINGS},
        "sectors": [{
            "code": s.code, "name": s.name_vi,
            "arrivals": [[opens, float(arrived.get(s.id, 0))]],
            "service_minutes": [rates.minutes_each.get(s.id, rates.default_minutes),
                                2 * rates.minutes_each.get(s.id, rates.default_minutes)],
        } for s in hall.sectors],
        "counters": counter_specs,
        "visits": [{"at": opens, "sector": codes[sector_id], "priority": priority is not None,
                    "service_minutes": rates.minutes_each.get(sector_id, rates.default_minutes)}
                   for sector_id, priority in waiting],
    }
    return parse_scenario(data, f"hall {hall.code} now")


def _mean_wait(day: DayResult, codes: set[str]) -> float:
    waits = [c.waited for c in day.citizens if c.sector in codes and c.ticket_id is not None]
    return sum(waits) / len(waits) if waits else 0.0


def recommendations(session: Session, clock: Clock, hall: Hall) -> list[Move]:
    """The moves worth making now, for the sectors whose predicted wait passes their
    threshold (the live view's), each with its predicted effect."""
    scenario = current_scenario(session, clock, hall)
    if scenario is None:
        return []
    policy = settings_of(hall).calling_policy
    [baseline] = simulate(scenario, policy, days=1, seed=SEED)
    settings = settings_of(hall)
    pressed = sorted(((_mean_wait(baseline, {s.code}), s.code) for s in scenario.sectors
                      if _mean_wait(baseline, {s.code}) >= settings.wait_alert_for(s.code)),
                     reverse=True)
    names = {s.code: s.name_vi for s in hall.sectors}
    moves = []
    for before, code in pressed[:MOVES_AT_MOST]:
        helpers = [c for c in scenario.counters if code not in c.sectors]
        if not helpers:
            continue
        counter = min(helpers, key=lambda c: (_mean_wait(baseline, set(c.sectors)), c.number))
        moved = scenario.model_copy(update={"counters": [
            c.model_copy(update={"sectors": [code, *c.sectors],
                                 "qualified": [q for q in c.qualified if q != code]})
            if c.number == counter.number else c for c in scenario.counters]})
        [after] = simulate(moved, policy, days=1, seed=SEED)
        if _mean_wait(after, {code}) < before:
            moves.append(Move(counter=counter.number, sector=code, sector_name=names[code],
                              wait_before=round(before), wait_after=round(_mean_wait(after, {code}))))
    return moves


def advice(reads: Ports, hall: Hall) -> list[Move]:
    """The hall's `recommendations`, reused for the seconds of the ports' memo: a forecast
    simulates the rest of the day several times, and every leader's live view asks for it."""
    return reads.memo.get(("leader_advice", hall.id), reads.clock.now(),
                          lambda: recommendations(reads.session, reads.clock, hall))


def as_dict(move: Move) -> dict[str, Any]:
    return {"counter": move.counter, "sector": move.sector, "sector_name": move.sector_name,
            "wait_before": move.wait_before, "wait_after": move.wait_after}

