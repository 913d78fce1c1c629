"""The wait estimate: the rest of the hall's day, simulated forward from its state now.

Pure Python over a small snapshot (`HallNow`, read by `queue.services.hall_now` in a few
queries): the people waiting in each line, in the order the lines call them; each counter with
the sectors it serves in its order of preference and their schedules for today, its officer's
qualifications, when it works (the hall's opening windows, breaks left out) and how long its
current citizen should still take (the mean remaining service of the measured services that
lasted that long already); each sector's mean service time and its spread, and its arrivals at
the pace of the recent hour, priority citizens in the day's share of them, no more than the
numbers it has left today (its daily cap or its block of numbers).

The simulation is deterministic: every service takes its sector's mean, arrivals come evenly
at their pace, and each time a counter is free it calls what the hall's calling policy
(`queue.policy`, the very functions the calling service uses) picks among the heads of the
lines it may serve at that moment. In every sector that issues now, a regular and a priority
citizen tap now: they are ghosts, called like anyone but taking no counter time, since at most
one of them comes (and the next run has that one for real). It records when each ticket is
called and stops once the tickets followed (those waiting, the ghosts, the arrivals of the next
few minutes) are. A tap then looks its answer up (`Forecast.estimate`): a regular citizen with
`ahead` people before them is the ticket at position ahead + 1 of the sector's line (the
tickets waiting now in calling order, then the ghost and the arrivals followed); a priority
citizen the (ahead + 1)-th of the priority citizens waiting and the priority ghost. A place
beyond those (a forecast a few seconds old, more taps since) is called at the next choices of
the counters serving the sector after the last call followed.

The spread of a prediction is that of the services before it at the counter that calls it (their
variances add up), so a wait behind many long services is told as a wider range.
"""
from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from motcua.queue.policy import (
    Candidate,
    LineLoad,
    appointment_streak_cap,
    appointments_first,
    next_appointment_streak,
    next_priority_streak,
    order_by_policy,
)
from motcua.queue.settings import HallSettings

Window = tuple[float, float]  # minutes from now, start and end
RESERVED = -1  # the line of the tickets transferred to a counter by name (as in the services)
FOLLOWED_MINUTES = 3.0  # arrivals followed to their call: a tap may land on one of them (the
# estimate is reused for a few seconds, in which a busy sector takes a few more numbers)
DECISIONS_KEPT = 200  # calling moments kept per sector, for the places the run did not follow
REMAINING_WHEN_OVERDUE = 0.2  # of a mean service, for a citizen served longer than any measured


@dataclass(frozen=True)
class Line:
    """A sector as the simulation needs it."""

    minutes_each: float  # mean service, call to finish
    spread: float  # standard deviation of one service, minutes
    arrivals_per_hour: float
    priority_share: float
    issuing: tuple[Window, ...]  # when new tickets come, from now
    numbers_left: int  # today's: no more citizens can come (and the run's cost stays bounded
    # when a line's recent pace is one no hall sees, as in a load test)


@dataclass(frozen=True)
class Link:
    """A sector a counter serves as its own, with its rank and today's schedule."""

    sector_id: int
    rank: int
    hours: tuple[Window, ...] | None  # None: whenever the counter works


@dataclass(frozen=True)
class Desk:
    """A counter."""

    id: int
    links: tuple[Link, ...]
    qualified: frozenset[int]  # other sectors its officer may serve (a policy may let it)
    works: tuple[Window, ...]  # from now
    busy: float = 0.0  # minutes until its current citizen is done
    priority_streak: int = 0
    appointment_streak: int = 0


@dataclass(frozen=True)
class Waiter:
    """A ticket waiting now; `HallNow.waiting` lists them oldest first (`queued_at`, then id)."""

    sector_id: int
    priority: bool
    queued_at: datetime
    appointment_at: datetime | None = None
    reserved_for: int | None = None  # a counter id: only that counter may call it


@dataclass(frozen=True)
class HallNow:
    now: datetime
    settings: HallSettings
    lines: dict[int, Line]
    desks: tuple[Desk, ...]
    waiting: tuple[Waiter, ...]
    opening: tuple[Window, ...]  # the hall's opening windows from now (helping stops before
    # their ends, as in the calling service)
    closes: float  # minutes from now to the end of the day's last opening window


@dataclass(frozen=True)
class Estimate:
    minutes: int
    spread: float  # standard deviation, minutes
    past_closing: bool  # not called before the sector's counters stop for the day


@dataclass
class _Ticket:
    id: int
    sector_id: int
    priority: bool
    queued: float  # minutes from now (negative: queued before now)
    queued_at: datetime
    appointment_at: datetime | None = None
    reserved_for: int | None = None
    origin: float = 0.0  # from when its wait is counted: now, or its arrival
    # The citizen tapping now, who may not come: a counter that chooses them notes the moment
    # and chooses again, so they hold up nobody (once issued, the next run has them for real).
    ghost: bool = False
    called: float | None = None
    variance: float = 0.0


@dataclass
class _Queues:
    """A sector's waiting tickets as the calling service sees them: walk-ins and appointments,
    each regular and priority."""

    walk_in: dict[bool, deque[_Ticket]] = field(default_factory=lambda: {False: deque(), True: deque()})
    booked: dict[bool, list[_Ticket]] = field(default_factory=lambda: {False: [], True: []})

    def heads(self) -> list[tuple[_Ticket, int]]:
        heads = []
        for priority in (False, True):
            if self.walk_in[priority]:
                heads.append((self.walk_in[priority][0], len(self.walk_in[priority])))
            if self.booked[priority]:
                heads.append((self.booked[priority][0], len(self.booked[priority])))
        return heads

    def add(self, ticket: _Ticket) -> None:
        if ticket.appointment_at is None:
            self.walk_in[ticket.priority].append(ticket)
        else:
            booked = self.booked[ticket.priority]
            booked.append(ticket)
            booked.sort(key=lambda t: (t.appointment_at, t.queued, t.id))

    def remove(self, ticket: _Ticket) -> None:
        if ticket.appointment_at is None:
            self.walk_in[ticket.priority].popleft()
        else:
            self.booked[ticket.priority].remove(ticket)

    def count(self, priority: bool) -> int:
        return len(self.walk_in[priority]) + len(self.booked[priority])


def _inside(windows: Sequence[Window], moment: float) -> bool:
    return any(start <= moment < end for start, end in windows)


@dataclass
class _DeskState:
    desk: Desk
    variance: float = 0.0
    priority_streak: int = 0
    appointment_streak: int = 0
    after_ghost: bool = False  # its next choice follows a ghost's call
    # its sectors and their ranks at every moment when none of its links has hours (most
    # counters): the run's hot loop need not work them out at each turn
    fixed_own: dict[int, int] | None = None
    watched: frozenset[int] = frozenset()  # the lines whose arrivals may give it someone


def _desk_state(desk: Desk) -> _DeskState:
    fixed = all(link.hours is None for link in desk.links)
    return _DeskState(desk, variance=(desk.busy * 0.5) ** 2, priority_streak=desk.priority_streak,
                      appointment_streak=desk.appointment_streak,
                      fixed_own={link.sector_id: link.rank for link in desk.links} if fixed else None,
                      watched=frozenset({link.sector_id for link in desk.links} | desk.qualified))


class Forecast:
    """What one run predicts, per sector; `estimate` is a look-up."""

    def __init__(self, state: HallNow, draw: Callable[[int], float] | None = None) -> None:
        """`draw(sector_id)`: the minutes of one service, drawn, in place of its line's mean
        for every service (one run of a Monte Carlo: `bench/estimate_floor.py`)."""
        self._state = state
        self._lines: dict[int, list[_Ticket]] = {}  # sector → its line now, then its arrivals
        self._decisions: dict[int, list[tuple[float, float]]] = {}  # sector → (moment, variance)
        self._serving: dict[int, int] = {}  # sector → counters that may serve it
        self._priority: dict[int, list[_Ticket]] = {}  # sector → its priority citizens now,
        # then the one who may tap now
        _run(state, self, draw)

    def estimate(self, sector_id: int, ahead: int, priority: bool = False) -> Estimate:
        """The wait of a citizen of the sector with `ahead` people before them in its line (a
        priority citizen: priority citizens before them)."""
        line = self._state.lines.get(sector_id)
        counters = self._serving.get(sector_id, 0)
        if line is None or not counters:
            return Estimate(0, 0.0, False)
        if priority:
            before = self._priority.get(sector_id, [])
            if ahead < len(before):
                ticket = before[ahead]
                if ticket.called is None:
                    return self._later(line, counters, 1, self._state.closes, 0.0)
                return Estimate(_whole(ticket.called), math.sqrt(ticket.variance), False)
            moments = self._decisions.get(sector_id, [])
            if ahead < len(moments):
                moment, variance = moments[ahead]
                return Estimate(_whole(moment), math.sqrt(variance), False)
            return self._later(line, counters, ahead + 1 - len(moments),
                               moments[-1][0] if moments else 0.0, 0.0)
        tickets = self._lines.get(sector_id, [])
        for ticket in tickets[ahead:]:
            if ticket.priority:
                continue
            if ticket.called is None:  # the run reached closing first
                return self._later(line, counters, 1, self._state.closes, ticket.origin)
            return Estimate(_whole(ticket.called - ticket.origin), math.sqrt(ticket.variance), False)
        # beyond the places followed: the moments, from the last call on, that a counter
        # serving the sector chose whom to call (the first of them made that call; a ghost's
        # call and the choice after it are not kept)
        called = [t for t in tickets if t.called is not None]
        last = max(called, key=lambda t: (t.called, t.ghost), default=None)
        moment = last.called if last is not None and last.called is not None else 0.0
        more = ahead + 1 - len(called)
        after = [(m, v) for m, v in self._decisions.get(sector_id, []) if m >= moment]
        place = more - 1 if last is None or last.ghost else more
        if place < len(after):
            moment, variance = after[place]
            return Estimate(_whole(moment), math.sqrt(variance), False)
        return self._later(line, counters, more, moment, 0.0)

    def _later(self, line: Line, counters: int, more: int, after: float, origin: float) -> Estimate:
        """A place beyond those the run followed: `more` services of the line after the moment
        `after`, shared by the counters that may serve it."""
        moment = after + max(more, 1) * line.minutes_each / counters
        return Estimate(_whole(moment - origin), line.spread * math.sqrt(max(more, 1)),
                        moment > self._state.closes)


def remaining_minutes(durations: Sequence[float], elapsed: float, mean: float) -> float:
    """How long a citizen served for `elapsed` minutes should still take: the mean remainder
    of the measured services (`durations`, minutes) that lasted longer than that."""
    longer = [d - elapsed for d in durations if d > elapsed]
    if longer:
        return sum(longer) / len(longer)
    return max(mean - elapsed, REMAINING_WHEN_OVERDUE * mean)


def _whole(minutes: float) -> int:
    return max(0, math.floor(minutes + 0.5))


def _first_arrival(line: Line, window: Window) -> float:
    gap = 60 / line.arrivals_per_hour
    return gap if window[0] <= 0 else window[0] + gap / 2


def _arrival_moments(line: Line, closes: float) -> Iterator[float]:
    """A sector's arrivals to come, evenly at its pace within its issuing windows, as many
    as it has numbers left."""
    if line.arrivals_per_hour <= 0:
        return
    gap = 60 / line.arrivals_per_hour
    left = line.numbers_left
    for window in line.issuing:
        first, stop = _first_arrival(line, window), min(window[1], closes)
        k = 0
        while first + k * gap < stop and left > 0:
            yield first + k * gap
            k += 1
            left -= 1


def _next_arrival(line: Line, after: float, closes: float) -> float | None:
    """The first of `_arrival_moments` later than `after`."""
    if line.arrivals_per_hour <= 0:
        return None
    gap = 60 / line.arrivals_per_hour
    earlier = 0  # moments of the windows before
    for window in line.issuing:
        first, stop = _first_arrival(line, window), min(window[1], closes)
        k = 0 if after < first else math.floor((after - first) / gap)
        while first + k * gap <= after:  # the moments as `_arrival_moments` makes them
            k += 1
        moment = first + k * gap
        if moment < stop:
            return moment if earlier + k < line.numbers_left else None
        earlier += _count_below(first, stop, gap)
    return None


def _count_below(first: float, stop: float, gap: float) -> int:
    """How many of first, first + gap, … are below `stop`, compared as `_arrival_moments`
    compares them (a division alone may round across a window's end)."""
    count = max(0, math.ceil((stop - first) / gap))
    while count > 0 and first + (count - 1) * gap >= stop:
        count -= 1
    while first + count * gap < stop:
        count += 1
    return count


def _numbered(sector_id: int, moments: Iterator[float]) -> Iterator[tuple[float, int, int]]:
    """A sector's arrival moments as (moment, sector, its count so far). A function, not a
    generator expression inside another: there `sector_id` would be read only as the stream
    is consumed, by then the last sector's, and every arrival would join that sector's line."""
    for count, moment in enumerate(moments, start=1):
        yield moment, sector_id, count


class _Arrivals:
    """The citizens to come, made as the run reaches them: while a sector issues now, the one
    tapping (a regular and a priority one, as ghosts: see `_Ticket.ghost`); then each
    sector's arrivals at its pace, every `share`-th of them a priority one."""

    def __init__(self, state: HallNow, first_id: int) -> None:
        self._state = state
        self._next_id = first_id
        self.ghosts = [self._ticket(sector_id, 0.0, priority, ghost=True)
                       for sector_id, line in state.lines.items() if _inside(line.issuing, 0.0)
                       for priority in (False, True)]
        self._stream = heapq.merge(*(_numbered(sector_id, _arrival_moments(line, state.closes))
                                     for sector_id, line in state.lines.items()))
        self._upcoming = next(self._stream, None)

    def _ticket(self, sector_id: int, moment: float, priority: bool, ghost: bool = False) -> _Ticket:
        self._next_id += 1
        return _Ticket(id=self._next_id, sector_id=sector_id, priority=priority, queued=moment,
                       queued_at=self._state.now + timedelta(minutes=moment), origin=moment,
                       ghost=ghost)

    def until(self, moment: float) -> Iterator[_Ticket]:
        """The arrivals up to `moment` not handed out yet, in order."""
        while self._upcoming is not None and self._upcoming[0] <= moment:
            at, sector_id, count = self._upcoming
            share = self._state.lines[sector_id].priority_share
            yield self._ticket(sector_id, at, math.floor(count * share) > math.floor((count - 1) * share))
            self._upcoming = next(self._stream, None)


def _run(state: HallNow, forecast: Forecast, draw: Callable[[int], float] | None) -> None:
    settings = state.settings
    queues: dict[int, _Queues] = {sector_id: _Queues() for sector_id in state.lines}
    reserved: dict[int, deque[_Ticket]] = {}
    lines = forecast._lines
    for sector_id in state.lines:
        lines[sector_id] = []
    waiting_now: dict[int, list[_Ticket]] = {}
    for index, waiter in enumerate(state.waiting):
        queued = (waiter.queued_at - state.now) / timedelta(minutes=1)
        ticket = _Ticket(id=index, sector_id=waiter.sector_id, priority=waiter.priority,
                         queued=queued, queued_at=waiter.queued_at,
                         appointment_at=waiter.appointment_at, reserved_for=waiter.reserved_for)
        if waiter.reserved_for is not None:
            reserved.setdefault(waiter.reserved_for, deque()).append(ticket)
        elif waiter.sector_id in queues:
            queues[waiter.sector_id].add(ticket)
            waiting_now.setdefault(waiter.sector_id, []).append(ticket)
    for sector_id, tickets in waiting_now.items():  # the line's calling order: priority first
        lines[sector_id] = [t for t in tickets if t.priority] + [t for t in tickets if not t.priority]
    arrivals = _Arrivals(state, len(state.waiting))
    for sector_id, tickets in lines.items():
        forecast._priority[sector_id] = [t for t in tickets if t.priority]
    for ticket in arrivals.ghosts:
        queues[ticket.sector_id].add(ticket)
        (forecast._priority if ticket.priority else lines)[ticket.sector_id].append(ticket)
    # followed to their call: the tickets waiting now, the ghosts, and the arrivals a tap
    # reading this forecast a little later may be
    followed = list(arrivals.until(FOLLOWED_MINUTES))
    for ticket in followed:
        queues[ticket.sector_id].add(ticket)
        lines[ticket.sector_id].append(ticket)
    tracked_ids = {t.id for tickets in [*lines.values(), *forecast._priority.values()] for t in tickets}
    pending = len(tracked_ids)  # not called yet

    for counter in state.desks:
        for sector_id in {link.sector_id for link in counter.links} | counter.qualified:
            forecast._serving[sector_id] = forecast._serving.get(sector_id, 0) + 1
    loads = {sector_id: LineLoad(
        minutes_each=line.minutes_each,
        counters=sum(1 for d in state.desks if d.works and any(k.sector_id == sector_id for k in d.links)),
        first_counters=sum(1 for d in state.desks
                           if d.works and any(k.sector_id == sector_id and k.rank == 0 for k in d.links)))
        for sector_id, line in state.lines.items()}
    help_from = 2 * settings.fair_wait / timedelta(minutes=1)
    rank_penalty, fair_wait = settings.rank_penalty, settings.fair_wait
    switch_penalty = settings.switch_penalty
    streak_cap = appointment_streak_cap(settings.appointment_share)
    decisions = forecast._decisions

    desks = [_desk_state(d) for d in state.desks]
    soonest: dict[tuple[int, float], float | None] = {}  # (line, moment) → its next arrival
    clock: list[tuple[float, int]] = []
    for index, desk in enumerate(desks):
        if desk.desk.works:
            heapq.heappush(clock, (max(desk.desk.busy, desk.desk.works[0][0]), index))
    longest = max((line.minutes_each for line in state.lines.values()), default=0.0)
    # once every ticket followed is called: each counter's next choice, then
    stop = math.inf if pending else longest
    while clock and clock[0][0] <= stop:
        moment, index = heapq.heappop(clock)
        desk = desks[index]
        works = desk.desk.works
        if not _inside(works, moment):
            later = [start for start, _ in works if start > moment]
            if later:
                heapq.heappush(clock, (later[0], index))
            continue
        for ticket in arrivals.until(moment):
            queues[ticket.sector_id].add(ticket)
        own = desk.fixed_own if desk.fixed_own is not None else {
            link.sector_id: link.rank for link in desk.desk.links
            if link.hours is None or _inside(link.hours, moment)}
        helping = (settings.calling_policy != "static"
                   and _inside(state.opening, moment + help_from))
        others = [s for s in desk.desk.qualified if s not in own] if helping else []
        candidates: list[Candidate] = []
        chosen_from: dict[int, tuple[_Ticket, int]] = {}
        for sector_id in [*own, *others]:
            for ticket, count in queues[sector_id].heads():
                chosen_from[ticket.id] = (ticket, sector_id)
                candidates.append(Candidate(
                    ticket_id=ticket.id, queued_at=ticket.queued_at,
                    sector_rank=own.get(sector_id, 0), priority=ticket.priority,
                    sector_id=sector_id, own=sector_id in own, waiting=count,
                    appointment_at=ticket.appointment_at))
        mine = reserved.get(desk.desk.id)
        if mine:
            ticket = mine[0]
            chosen_from[ticket.id] = (ticket, RESERVED)
            candidates.append(Candidate(
                ticket_id=ticket.id, queued_at=ticket.queued_at, sector_rank=0,
                priority=ticket.priority, sector_id=RESERVED, own=True, waiting=len(mine),
                appointment_at=ticket.appointment_at))
        ordered: list[Candidate] = []  # most turns: an idle counter, nobody in its lines
        if candidates:
            at = state.now + timedelta(minutes=moment)
            ordered = appointments_first(
                order_by_policy(settings.calling_policy, candidates,
                                consecutive_priority_calls=desk.priority_streak,
                                priority_cap=settings.priority_cap,
                                rank_penalty=rank_penalty, now=at, loads=loads,
                                fair_wait=fair_wait, switch_penalty=switch_penalty),
                now=at, consecutive_appointment_calls=desk.appointment_streak, streak_cap=streak_cap)
        if desk.after_ghost:  # the ghost's turn at the counter, had they come
            desk.after_ghost = False
        elif not ordered or not chosen_from[ordered[0].ticket_id][0].ghost:
            for sector_id in own:  # a choice that takes the counter's time (or leaves it idle)
                kept = decisions.setdefault(sector_id, [])
                if len(kept) < DECISIONS_KEPT:
                    kept.append((moment, desk.variance))
        if not ordered:
            wake = _next_change(state, desk, own, moment, soonest)
            if wake is not None:
                heapq.heappush(clock, (wake, index))
            continue
        best = ordered[0]
        ticket, line = chosen_from[best.ticket_id]
        if line == RESERVED:
            reserved[desk.desk.id].popleft()
        else:
            queues[line].remove(ticket)
        ticket.called = moment
        ticket.variance = desk.variance
        if ticket.id in tracked_ids:
            pending -= 1
            if not pending:
                stop = moment + longest
        if ticket.ghost:
            desk.after_ghost = True
            heapq.heappush(clock, (moment, index))
            continue
        desk.priority_streak = next_priority_streak(desk.priority_streak, best.priority)
        desk.appointment_streak = next_appointment_streak(desk.appointment_streak, best, at)
        served = state.lines.get(ticket.sector_id)
        if draw is not None:
            minutes = draw(ticket.sector_id)
        else:
            minutes = served.minutes_each if served else settings.default_service_minutes
        desk.variance += (served.spread if served else 0.0) ** 2
        heapq.heappush(clock, (moment + minutes, index))


def _next_change(state: HallNow, desk: _DeskState, own: dict[int, int], moment: float,
                 soonest: dict[tuple[int, float], float | None]) -> float | None:
    """When an idle counter may have someone to call: the next arrival in a line it may serve,
    or the start of a schedule that gives it another sector. An arrival wakes every idle
    counter of its line at once, so each line's next arrival after a moment is kept in
    `soonest` for the others."""
    wake = []
    for sector_id in desk.watched:
        key = (sector_id, moment)
        if key in soonest:
            arrival = soonest[key]
        else:
            line = state.lines.get(sector_id)
            arrival = soonest[key] = _next_arrival(line, moment, state.closes) if line else None
        if arrival is not None:
            wake.append(arrival)
    wake += [start for link in desk.desk.links if link.hours and link.sector_id not in own
             for start, _ in link.hours if start > moment]
    return min(wake) if wake else None
