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
4. Appointments (`appointments_first`, applied to that order): a citizen who checked in
   with a booking is called at the booked slot's start ahead of the walk-ins, but only
   within the hall's `appointment_share` of calls, so walk-ins are never starved. One who
   came early waits until the slot (called before then only if nobody else waits); one who
   came later than the grace period was issued a walk-in ticket at check-in.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import math
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Candidate:
    ticket_id: int
    queued_at: datetime
    sector_rank: int  # 0 for the counter's first sector
    priority: bool
    appointment_at: datetime | None = None  # the booked slot's start; None for a walk-in


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
