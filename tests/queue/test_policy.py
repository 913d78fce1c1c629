"""The calling policy, pinned: priority first with a cap, then longest wait weighted by rank."""
from datetime import datetime, timedelta, timezone, UTC

from motcua.queue.policy import Candidate, next_priority_streak, order_candidates

T0 = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
PENALTY = timedelta(minutes=10)


def candidate(ticket_id: int, minutes: float, rank: int = 0, priority: bool = False) -> Candidate:
    return Candidate(ticket_id, T0 + timedelta(minutes=minutes), rank, priority)


def first(candidates: list[Candidate], streak: int = 0, cap: int = 2) -> int:
    ordered = order_candidates(candidates, consecutive_priority_calls=streak, priority_cap=cap,
                               rank_penalty=PENALTY)
    return ordered[0].ticket_id


def test_calls_a_priority_ticket_before_a_regular_one_that_came_earlier():
    assert first([candidate(1, 0), candidate(2, 5, priority=True)]) == 2


def test_calls_a_waiting_regular_citizen_once_the_priority_cap_is_reached():
    assert first([candidate(1, 0), candidate(2, 5, priority=True)], streak=2, cap=2) == 1


def test_keeps_calling_priority_tickets_past_the_cap_when_nobody_regular_waits():
    assert first([candidate(2, 5, priority=True)], streak=5, cap=2) == 2


def test_calls_the_ticket_that_has_waited_longest():
    assert first([candidate(1, 3), candidate(2, 1), candidate(3, 2)]) == 2


def test_prefers_the_counters_first_sector_unless_another_waited_longer_than_the_penalty():
    assert first([candidate(1, 0, rank=1), candidate(2, 5, rank=0)]) == 2
    assert first([candidate(1, 0, rank=1), candidate(2, 11, rank=0)]) == 1


def test_gives_a_tie_to_the_lower_ticket_id():
    assert first([candidate(7, 0), candidate(3, 0)]) == 3


def test_orders_every_candidate_so_the_caller_can_fall_back_when_one_is_taken():
    ordered = order_candidates([candidate(1, 0), candidate(2, 1, priority=True), candidate(3, 2)],
                               consecutive_priority_calls=0, priority_cap=2, rank_penalty=PENALTY)
    assert [c.ticket_id for c in ordered] == [2, 1, 3]


def test_the_priority_streak_grows_with_priority_calls_and_resets_on_a_regular_call():
    assert next_priority_streak(1, called_priority=True) == 2
    assert next_priority_streak(3, called_priority=False) == 0
