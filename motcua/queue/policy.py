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
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Candidate:
    ticket_id: int
    queued_at: datetime
    sector_rank: int  # 0 for the counter's first sector
    priority: bool


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
