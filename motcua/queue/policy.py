"""The calling policy: which waiting ticket a counter calls next.

1. A counter only takes tickets of the sectors it serves, or tickets transferred to it
   by name (those count as its first sector).
2. Priority tickets (elderly, disabled, pregnant, people with merit) go first — but after
   `priority_cap` priority calls in a row, if a regular citizen is waiting, the regular
   citizen is called, so the priority line never starves everybody else. With nobody
   regular waiting, priority tickets keep being called whatever the count.
3. Within the chosen group, the ticket that has waited longest goes first, weighted by the
   counter's order of sectors: each step down the counter's list counts as
   `rank_penalty` of waiting less. With a 10-minute penalty, a ticket of the counter's
   second sector is taken before one of its first sector only if it has waited more than
   10 minutes longer. Ties go to the earlier ticket.

That is the `static` policy. A hall may choose another (`HallSettings.calling_policy`); each
is one pure function of the candidates (`order_by_policy`), so the simulator, the wait
estimator and the calling service all ask the same question the same way:

- `static`: the counter's own sectors only, as above.
- `overflow`: as `static`; but when the counter's own lines are empty, it takes the tickets
  of the other sectors its officer is qualified for (oldest first), instead of sitting idle.
- `balanced`: among every ticket the counter may serve (its own sectors and those its
  officer is qualified for), the head of the line under the most pressure: the head's wait
  so far plus the line's predicted wait (people waiting × minutes each ÷ open counters that
  serve it), less the rank penalty for the counter's lower sectors and a switch penalty for
  a sector not its own. The priority cap holds as in `static`. And nobody of the counter's
  own lines is left behind: while the head of one of its own lines, or the last of all its
  own citizens, would have waited `fair_wait` or more by the end of a long service of
  another sector (twice its mean), the counter serves its own lines first. With services
  of half `fair_wait` or more that is whenever one of its own citizens waits: it helps, like
  `overflow`, when its own lines are empty, but the line under most pressure first.
  Without another sector to help, it calls as `static` does.

Under `overflow` and `balanced` a counter helps another sector only while it can afford it
before the hall's current opening window ends (a break, closing): while its own work until
then — the people waiting in its own lines and those the pace of the last hour will bring,
each line's share for this counter — plus one service of the other sector plus `fair_wait`
still fits in the time left. So a counter does not fall behind on its own lines just before
a break, and nobody whom `static` would have called before it is left waiting through it.
Under `balanced`, a line's work is split among the counters that serve it first only
(`LineLoad.first_counters`): a counter whose own lines keep it busy most of the hour stops
helping hours before the break, one with quiet lines can help until shortly before it.

4. Appointments (`appointments_first`, applied to that order): a citizen who checked in
   with a booking is called at the booked slot's start ahead of the walk-ins, but only
   within the hall's `appointment_share` of calls, so walk-ins are never starved. One who
   came early waits until the slot (called before then only if nobody else waits); one who
   came later than the grace period was issued a walk-in ticket at check-in.
"""
from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

POLICIES = ("static", "overflow", "balanced")


@dataclass(frozen=True)
class Candidate:
    ticket_id: int
    queued_at: datetime
    sector_rank: int  # 0 for the counter's first sector
    priority: bool
    sector_id: int = 0  # the line's sector: what the load-based policy weighs
    own: bool = True  # False: a sector of the officer's qualifications, not the counter's
    waiting: int = 1  # people in this line with the same priority, this one included
    appointment_at: datetime | None = None  # the booked slot's start; None for a walk-in


@dataclass(frozen=True)
class LineLoad:
    """What `balanced` knows of a sector's line beyond its head."""

    minutes_each: float  # a service, as the wait estimate measures it
    counters: int  # open counters that serve the sector as their own
    arrivals_per_hour: float = 0.0  # the line's pace over the last hour
    # Those of `counters` that serve it as their first sector (None: all of them), what
    # `balanced` counts (none counts as one). A counter that has the sector second or later
    # gives it only what its first lines leave: counted whole, a line served first by one
    # counter and later by two others looked as if it had three, and its counters helped
    # other sectors while it fell behind `static`, up to a break.
    first_counters: int | None = None


def order_candidates(
    candidates: Sequence[Candidate],
    *,
    consecutive_priority_calls: int,
    priority_cap: int,
    rank_penalty: timedelta,
) -> list[Candidate]:
    """All candidates, best first; the caller takes the first one it can lock."""

    def weighted(c: Candidate) -> tuple[datetime, datetime, int]:
        return (c.queued_at + c.sector_rank * rank_penalty, c.queued_at, c.ticket_id)

    priority = sorted((c for c in candidates if c.priority), key=weighted)
    regular = sorted((c for c in candidates if not c.priority), key=weighted)
    if regular and consecutive_priority_calls >= priority_cap:
        return regular + priority
    return priority + regular


def next_priority_streak(current: int, called_priority: bool) -> int:
    return current + 1 if called_priority else 0


def _load(loads: Mapping[int, LineLoad] | None, sector_id: int) -> LineLoad:
    return (loads or {}).get(sector_id, LineLoad(minutes_each=10.0, counters=1))


def can_help(
    own: Sequence[Candidate],
    others: Sequence[Candidate],
    *,
    loads: Mapping[int, LineLoad] | None,
    own_sectors: Collection[int],
    window_left: timedelta | None,
    fair_wait: timedelta,
) -> bool:
    """Whether a counter may take another sector's citizen (`others`) and still serve its own
    lines before its window ends: its own work until then (each own line's people waiting
    and to come at the last hour's pace, times a service, over the line's open counters),
    one service of the other sector and `fair_wait` must fit in `window_left`. None: the
    window's end is not known, so it does not limit."""
    if not others:
        return False
    if window_left is None:
        return True
    left = window_left / timedelta(minutes=1)
    waiting: dict[int, int] = {}
    for c in {(c.sector_id, c.priority): c for c in own}.values():
        waiting[c.sector_id] = waiting.get(c.sector_id, 0) + c.waiting
    work = 0.0
    for sector_id in set(own_sectors) | set(waiting):
        load = _load(loads, sector_id)
        coming = waiting.get(sector_id, 0) + load.arrivals_per_hour * left / 60
        work += coming * load.minutes_each / max(load.counters, 1)
    away = max(_load(loads, c.sector_id).minutes_each for c in others)
    return work + away + fair_wait / timedelta(minutes=1) <= left


def order_by_policy(
    policy: str,
    candidates: Sequence[Candidate],
    *,
    consecutive_priority_calls: int,
    priority_cap: int,
    rank_penalty: timedelta,
    now: datetime,
    loads: Mapping[int, LineLoad] | None = None,
    fair_wait: timedelta = timedelta(minutes=15),
    switch_penalty: timedelta = timedelta(minutes=10),
    own_sectors: Collection[int] = (),
    window_left: timedelta | None = None,
) -> list[Candidate]:
    """The candidates a counter may call under `policy` (one of `POLICIES`), best first;
    the caller takes the first it can lock. `loads` by sector id (a sector missing counts as
    one counter at ten minutes a service); `own_sectors`, the counter's sectors now, and
    `window_left`, the time to the end of the hall's opening window, say whether it may
    help another sector (`can_help`)."""
    def static(group: Sequence[Candidate]) -> list[Candidate]:
        return order_candidates(group, consecutive_priority_calls=consecutive_priority_calls,
                                priority_cap=priority_cap, rank_penalty=rank_penalty)

    if policy not in POLICIES:
        raise ValueError(f"unknown calling policy {policy!r}")
    own = [c for c in candidates if c.own]
    others = [c for c in candidates if not c.own]
    if policy == "balanced" and loads is not None:
        loads = {sector_id: load if load.first_counters is None
                 else replace(load, counters=load.first_counters) for sector_id, load in loads.items()}
    if policy == "static" or not can_help(own, others, loads=loads, own_sectors=own_sectors,
                                          window_left=window_left, fair_wait=fair_wait):
        return static(own)
    if policy == "overflow":
        return static(own) + static(others)
    candidates = own + others
    priority = [c for c in candidates if c.priority]
    regular = [c for c in candidates if not c.priority]
    groups = ((regular, priority) if regular and consecutive_priority_calls >= priority_cap
              else (priority, regular))
    waiting: dict[int, int] = {}
    for c in candidates:
        waiting[c.sector_id] = waiting.get(c.sector_id, 0) + c.waiting

    def waited(c: Candidate) -> float:
        return (now - c.queued_at) / timedelta(minutes=1)

    def ahead(c: Candidate) -> float:
        """The line's predicted wait: how long its last citizen has still to wait."""
        load = _load(loads, c.sector_id)
        return waiting[c.sector_id] * load.minutes_each / max(load.counters, 1)

    def pressure(c: Candidate) -> float:
        handicap = c.sector_rank * rank_penalty if c.own else switch_penalty
        return waited(c) + ahead(c) - handicap / timedelta(minutes=1)

    # Another sector's citizen keeps the counter for one of their services, which may be a
    # long one: twice the mean is about the 90th percentile of a hall's service times. While
    # an own head, or the last of the counter's own citizens, would then have waited past
    # `fair_wait`, the counter's own lines are served first.
    long_service = 2 * max(_load(loads, c.sector_id).minutes_each for c in others)
    due = max(fair_wait / timedelta(minutes=1) - long_service, 0.0)
    backlog = sum(ahead(c) for c in {c.sector_id: c for c in own}.values())
    ordered: list[Candidate] = []
    for group in groups:
        overdue = [c for c in group if c.own and max(waited(c), backlog) >= due]
        rest = sorted((c for c in group if c not in overdue),
                      key=lambda c: (-pressure(c), c.queued_at, c.ticket_id))
        ordered += static(overdue) + rest
    return ordered


def appointment_streak_cap(share: float) -> int:
    """Appointments called in a row before a waiting walk-in must be: k in a row then one
    walk-in gives appointments k/(k+1) of the calls, so k is the largest with k/(k+1) ≤ share
    (0.5 → 1, 0.75 → 3); a share of 0 gives appointments no precedence, 1 unlimited."""
    if share <= 0:
        return 0
    if share >= 1:
        return 1_000_000
    return max(1, math.floor(share / (1 - share) + 1e-9))


def appointments_first(
    ordered: Sequence[Candidate],
    *,
    now: datetime,
    consecutive_appointment_calls: int,
    streak_cap: int,
) -> list[Candidate]:
    """The order with appointments due (slot started) first, earliest slot first, while the
    counter has called fewer than `streak_cap` of them in a row or no walk-in waits; early
    appointments go last, so they wait until their slot unless the counter would stand idle."""
    due = sorted((c for c in ordered if c.appointment_at is not None and c.appointment_at <= now),
                 key=lambda c: (c.appointment_at, c.queued_at, c.ticket_id))
    early = [c for c in ordered if c.appointment_at is not None and c.appointment_at > now]
    walk_ins = [c for c in ordered if c.appointment_at is None]
    if due and walk_ins and consecutive_appointment_calls >= streak_cap:
        return walk_ins + due + early
    return due + walk_ins + early


def next_appointment_streak(current: int, called: Candidate, now: datetime) -> int:
    due = called.appointment_at is not None and called.appointment_at <= now
    return current + 1 if due else 0
