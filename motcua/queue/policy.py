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
  own citizens, would have waited `fair_wait` or more by the end of another sector's
  service, the counter serves its own lines first, so a citizen waits about that much
  longer than under `static` at most.

The calling service gives `overflow` and `balanced` no other sector's tickets in the last
twice `fair_wait` before the hall's opening window ends (a break, closing), so that the
counter's own lines are cleared before the break rather than left waiting through it.

4. Appointments (`appointments_first`, applied to that order): a citizen who checked in
   with a booking is called at the booked slot's start ahead of the walk-ins, but only
   within the hall's `appointment_share` of calls, so walk-ins are never starved. One who
   came early waits until the slot (called before then only if nobody else waits); one who
   came later than the grace period was issued a walk-in ticket at check-in.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
) -> list[Candidate]:
    """The candidates a counter may call under `policy` (one of `POLICIES`), best first;
    the caller takes the first it can lock. `loads` by sector id (`balanced` only; a sector
    missing counts as one counter at ten minutes a service)."""
    def static(group: Sequence[Candidate]) -> list[Candidate]:
        return order_candidates(group, consecutive_priority_calls=consecutive_priority_calls,
                                priority_cap=priority_cap, rank_penalty=rank_penalty)

    own = [c for c in candidates if c.own]
    others = [c for c in candidates if not c.own]
    if policy == "static":
        return static(own)
    if policy == "overflow":
        return static(own) + static(others)
    if policy != "balanced":
        raise ValueError(f"unknown calling policy {policy!r}")
    priority = [c for c in candidates if c.priority]
    regular = [c for c in candidates if not c.priority]
    groups = ((regular, priority) if regular and consecutive_priority_calls >= priority_cap
              else (priority, regular))
    waiting: dict[int, int] = {}
    for c in candidates:
        waiting[c.sector_id] = waiting.get(c.sector_id, 0) + c.waiting

    def load(c: Candidate) -> LineLoad:
        return (loads or {}).get(c.sector_id, LineLoad(minutes_each=10.0, counters=1))

    def waited(c: Candidate) -> float:
        return (now - c.queued_at) / timedelta(minutes=1)

    def ahead(c: Candidate) -> float:
        """The line's predicted wait: how long its last citizen has still to wait."""
        return waiting[c.sector_id] * load(c).minutes_each / max(load(c).counters, 1)

    def pressure(c: Candidate) -> float:
        handicap = c.sector_rank * rank_penalty if c.own else switch_penalty
        return waited(c) + ahead(c) - handicap / timedelta(minutes=1)

    # Another sector's citizen keeps the counter for about one of their services: while an
    # own head, or the last of the counter's own citizens, would then have waited past
    # `fair_wait`, the counter's own lines are served first.
    away = max((load(c).minutes_each for c in others), default=0.0)
    due = max(fair_wait / timedelta(minutes=1) - away, 0.0)
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
