"""The calling policy, pinned: priority first with a cap, then longest wait weighted by rank."""
from datetime import UTC, datetime, timedelta, timezone

import pytest

from motcua.queue.policy import (
    Candidate,
    LineLoad,
    next_priority_streak,
    order_by_policy,
    order_candidates,
)

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


# --- the policies a hall chooses ----------------------------------------------------------

NOW = T0 + timedelta(minutes=60)


def other(ticket_id: int, minutes: float, sector: int = 9, waiting: int = 1,
          priority: bool = False) -> Candidate:
    """A head of a line the counter's officer is qualified for, not one of its own."""
    return Candidate(ticket_id, T0 + timedelta(minutes=minutes), 0, priority, sector_id=sector,
                     own=False, waiting=waiting)


def own(ticket_id: int, minutes: float, sector: int = 1, waiting: int = 1, rank: int = 0,
        priority: bool = False) -> Candidate:
    return Candidate(ticket_id, T0 + timedelta(minutes=minutes), rank, priority,
                     sector_id=sector, waiting=waiting)


def by(policy: str, candidates: list[Candidate], streak: int = 0,
       loads: dict[int, LineLoad] | None = None) -> list[int]:
    return [c.ticket_id for c in order_by_policy(
        policy, candidates, consecutive_priority_calls=streak, priority_cap=2,
        rank_penalty=PENALTY, now=NOW, loads=loads)]


def test_static_never_calls_a_sector_the_counter_does_not_serve():
    assert by("static", [other(1, 0)]) == []
    assert by("static", [other(1, 0), own(2, 30)]) == [2]


def test_overflow_takes_another_sector_only_when_the_counters_own_lines_are_empty():
    assert by("overflow", [other(1, 0), own(2, 30)]) == [2, 1]
    assert by("overflow", [other(1, 0)]) == [1]


def test_balanced_takes_the_line_under_most_pressure_over_a_short_own_line():
    loads = {1: LineLoad(minutes_each=5, counters=2), 9: LineLoad(minutes_each=5, counters=1)}
    # own line: 1 person, head waited 2 min; other: 8 people, predicted 40 min, head 10 min
    assert by("balanced", [own(1, 58, waiting=1), other(2, 50, waiting=8)], loads=loads)[0] == 2


def test_balanced_stays_on_its_own_line_while_that_line_is_long():
    loads = {1: LineLoad(minutes_each=5, counters=1), 9: LineLoad(minutes_each=10, counters=1)}
    assert by("balanced", [own(1, 59, waiting=3), other(2, 0, waiting=30)], loads=loads)[0] == 1


def test_balanced_stays_on_its_own_line_when_the_other_is_no_busier():
    loads = {1: LineLoad(minutes_each=8, counters=1), 9: LineLoad(minutes_each=8, counters=1)}
    assert by("balanced", [own(1, 55, waiting=3), other(2, 55, waiting=3)], loads=loads)[0] == 1


def test_balanced_calls_its_own_citizen_who_waited_the_fair_wait_before_any_other_sector():
    loads = {9: LineLoad(minutes_each=10, counters=1)}
    assert by("balanced", [own(1, 44), other(2, 0, waiting=20)], loads=loads)[0] == 1


def test_balanced_counts_a_long_service_of_the_other_sector_into_the_fair_wait():
    loads = {1: LineLoad(minutes_each=2, counters=2), 9: LineLoad(minutes_each=5, counters=1)}
    # waited 6 minutes: after a long (twice 5-minute) service of the other sector, 16 > 15
    assert by("balanced", [own(1, 54), other(2, 0, waiting=20)], loads=loads)[0] == 1
    assert by("balanced", [own(1, 56), other(2, 0, waiting=20)], loads=loads)[0] == 2


def test_balanced_serves_any_own_citizen_first_when_the_other_sectors_services_are_long():
    loads = {1: LineLoad(minutes_each=2, counters=2), 9: LineLoad(minutes_each=8, counters=1)}
    assert by("balanced", [own(1, 60), other(2, 0, waiting=30)], loads=loads) == [1, 2]


def test_balanced_without_another_sector_to_help_calls_as_static():
    loads = {1: LineLoad(minutes_each=5, counters=1), 2: LineLoad(minutes_each=5, counters=1)}
    candidates = [own(1, 0, sector=1), own(2, 5, sector=2, rank=1, waiting=30)]
    assert by("balanced", candidates, loads=loads) == by("static", candidates) == [1, 2]


def helps(policy: str, candidates: list[Candidate], loads: dict[int, LineLoad],
          window_left: float) -> bool:
    ordered = order_by_policy(policy, candidates, consecutive_priority_calls=0, priority_cap=2,
                              rank_penalty=PENALTY, now=NOW, loads=loads, own_sectors={1},
                              window_left=timedelta(minutes=window_left))
    return any(not c.own for c in ordered)


@pytest.mark.parametrize("policy", ["overflow", "balanced"])
def test_a_counter_helps_only_while_its_own_lines_work_fits_before_the_window_ends(policy):
    # one service elsewhere (10) and the fair wait (15) on top of its own work
    quiet = {1: LineLoad(minutes_each=10, counters=1, arrivals_per_hour=1), 9: LineLoad(10, 1)}
    assert helps(policy, [other(2, 0)], quiet, window_left=60)  # 10 + 10 + 15 ≤ 60
    assert not helps(policy, [other(2, 0)], quiet, window_left=25)  # 4 + 10 + 15 > 25
    busy = {1: LineLoad(minutes_each=10, counters=2, arrivals_per_hour=9), 9: LineLoad(10, 1)}
    assert not helps(policy, [other(2, 0)], busy, window_left=60)  # 45 + 10 + 15 > 60


def test_a_counter_counts_the_people_waiting_in_its_own_lines_as_work_before_the_window_ends():
    loads = {1: LineLoad(minutes_each=10, counters=1), 9: LineLoad(minutes_each=10, counters=1)}
    assert helps("overflow", [own(1, 59, waiting=2), other(2, 0)], loads, window_left=45)
    assert not helps("overflow", [own(1, 59, waiting=3), other(2, 0)], loads, window_left=45)


def test_balanced_counts_only_the_counters_that_serve_a_line_first_as_its_share():
    # Its line comes first here only; two more counters have it further down their lists.
    # Split three ways its next hour is 15 minutes of work, and overflow helps; balanced
    # counts this counter alone (45 + 10 + 15 > 60) and stays on its line.
    loads = {1: LineLoad(minutes_each=10, counters=3, arrivals_per_hour=4.5, first_counters=1),
             9: LineLoad(10, 1)}
    assert helps("overflow", [other(2, 0)], loads, window_left=60)
    assert not helps("balanced", [other(2, 0)], loads, window_left=60)
    assert helps("balanced", [other(2, 0)], loads, window_left=120)  # 90 + 10 + 15 ≤ 120


def test_balanced_counts_a_line_that_no_counter_serves_first_as_one_counters_work():
    loads = {1: LineLoad(minutes_each=10, counters=2, arrivals_per_hour=4, first_counters=0),
             9: LineLoad(10, 1)}
    assert helps("overflow", [other(2, 0)], loads, window_left=60)  # 20 + 10 + 15 ≤ 60
    assert not helps("balanced", [other(2, 0)], loads, window_left=60)  # 40 + 10 + 15 > 60
    assert helps("balanced", [other(2, 0)], loads, window_left=90)  # 60 + 10 + 15 ≤ 90


def test_a_counter_outside_the_opening_windows_helps_no_other_sector():
    assert not helps("overflow", [other(2, 0)], {}, window_left=0)


def test_balanced_keeps_the_priority_cap():
    loads = {9: LineLoad(minutes_each=10, counters=1)}
    candidates = [own(1, 59, priority=True), other(2, 0, waiting=20)]
    assert by("balanced", candidates, streak=0, loads=loads)[0] == 1
    assert by("balanced", candidates, streak=2, loads=loads)[0] == 2


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        by("random", [own(1, 0)])
