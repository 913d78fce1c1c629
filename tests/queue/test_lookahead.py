"""The wait estimate's forward simulation on small hand-made halls (minutes from now)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.queue.lookahead import (
    Desk,
    Forecast,
    HallNow,
    Line,
    Link,
    Waiter,
    _arrival_moments,
    _next_arrival,
    remaining_minutes,
)
from motcua.queue.settings import HallSettings

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
A, B = 1, 2
DAY = ((0.0, 480.0),)


def line(minutes: float = 10.0, per_hour: float = 0.0, priority_share: float = 0.0,
         issuing: tuple[tuple[float, float], ...] = ((-60.0, 480.0),),
         numbers_left: int = 999) -> Line:
    return Line(minutes_each=minutes, spread=0.0, arrivals_per_hour=per_hour,
                priority_share=priority_share, issuing=issuing, numbers_left=numbers_left)


def desk(number: int, *sectors: int, works: tuple[tuple[float, float], ...] = DAY,
         busy: float = 0.0) -> Desk:
    return Desk(id=number, links=tuple(Link(s, rank, None) for rank, s in enumerate(sectors)),
                qualified=frozenset(), works=works, busy=busy)


def waiting(sector: int, count: int, *, minutes_ago: float = 5.0,
            priority: bool = False) -> list[Waiter]:
    return [Waiter(sector, priority, NOW - timedelta(minutes=minutes_ago - i * 0.1))
            for i in range(count)]


def hall(lines: dict[int, Line], desks: list[Desk], waiters: list[Waiter],
         closes: float = 480.0) -> Forecast:
    return Forecast(HallNow(now=NOW, settings=HallSettings(), lines=lines, desks=tuple(desks),
                            waiting=tuple(sorted(waiters, key=lambda w: w.queued_at)),
                            opening=DAY, closes=closes))


def test_a_counter_serves_its_first_sectors_line_before_its_second():
    # counter 1 serves land (A); counter 2 construction (B) first, then land
    forecast = hall({A: line(), B: line()}, [desk(1, A), desk(2, B, A)],
                    waiting(A, 3, minutes_ago=5) + waiting(B, 1, minutes_ago=1))
    assert forecast.estimate(B, 0).minutes == 0  # counter 2 takes its own sector first
    # land: counter 1 at once, then both counters at 10 (counter 2 done with construction)
    assert [forecast.estimate(A, ahead).minutes for ahead in range(4)] == [0, 10, 10, 20]
    # a second citizen of construction: counter 2's next choice, before its land citizens
    # who came 5 minutes earlier (its second sector counts them 10 minutes less waited)
    assert forecast.estimate(B, 1).minutes == 10


def test_a_ticket_taken_before_the_break_waits_through_it():
    # 11:00, the counter works until 11:30 and again from 13:00
    forecast = hall({A: line()}, [desk(1, A, works=((0.0, 30.0), (120.0, 360.0)))],
                    waiting(A, 3), closes=360.0)
    assert [forecast.estimate(A, ahead).minutes for ahead in range(4)] == [0, 10, 20, 120]
    assert not forecast.estimate(A, 3).past_closing


def test_a_ticket_the_counters_cannot_reach_before_they_close_passes_closing():
    forecast = hall({A: line()}, [desk(1, A, works=((0.0, 30.0),))], waiting(A, 3), closes=30.0)
    assert not forecast.estimate(A, 2).past_closing
    assert forecast.estimate(A, 3).past_closing


def test_priority_citizens_expected_to_come_cut_ahead_of_a_regular_one():
    def tapper(share: float) -> int:
        # one counter, 10 minutes a service, 4 waiting, one more citizen every 10 minutes
        forecast = hall({A: line(per_hour=6, priority_share=share)}, [desk(1, A)], waiting(A, 4))
        return forecast.estimate(A, 4).minutes

    assert tapper(0.0) == 40
    assert tapper(0.5) == 70  # the priority citizens coming at 20, 40 and 60 go first


def test_no_more_citizens_are_expected_than_the_sector_has_numbers_left_today():
    # as above, with two numbers left: the citizens coming at 10 and at 20 (a priority one)
    forecast = hall({A: line(per_hour=6, priority_share=0.5, numbers_left=2)}, [desk(1, A)],
                    waiting(A, 4))
    assert forecast.estimate(A, 4).minutes == 50


def test_a_line_at_a_pace_no_hall_sees_is_forecast_only_as_far_as_its_numbers_go():
    # every citizen to come a priority one, a hundred a minute: with the numbers of the day
    # nearly all taken, the regular citizen is called after the three who can still come
    forecast = hall({A: line(per_hour=6000, priority_share=1.0, numbers_left=3)}, [desk(1, A)],
                    waiting(A, 1))
    assert forecast.estimate(A, 1).minutes == 40


@given(per_hour=st.floats(0.5, 600), numbers_left=st.integers(0, 40),
       after=st.floats(-10, 500), split=st.floats(0, 400), closes=st.floats(0, 480))
def test_an_idle_counter_waits_for_the_very_arrival_the_run_will_bring(
        per_hour, numbers_left, after, split, closes):
    # an idle counter wakes at `_next_arrival`: it must be the first later moment of the
    # arrivals the run brings, none once the numbers are gone
    windows = ((-30.0, split), (split + 20.0, 480.0))
    arrivals = line(per_hour=per_hour, issuing=windows, numbers_left=numbers_left)
    later = [m for m in _arrival_moments(arrivals, closes) if m > after]
    assert _next_arrival(arrivals, after, closes) == (later[0] if later else None)


def test_a_priority_citizen_is_called_at_the_next_choice_of_a_counter():
    forecast = hall({A: line()}, [desk(1, A, busy=7.0), desk(2, A, busy=4.0)], waiting(A, 5))
    assert forecast.estimate(A, 0, priority=True).minutes == 4
    # a regular one, behind the five called at 4, 7, 14, 17 and 24
    assert forecast.estimate(A, 5).minutes == 27


def test_a_busy_counter_is_expected_free_after_the_rest_of_its_current_service():
    forecast = hall({A: line()}, [desk(1, A, busy=7.0)], waiting(A, 1))
    assert [forecast.estimate(A, ahead).minutes for ahead in range(2)] == [7, 17]
    # served 6 minutes already: of the services measured, those that lasted longer had 2
    # and 6 minutes left, 4 on average
    assert remaining_minutes([4.0, 8.0, 12.0], 6.0, 8.0) == 4.0
    assert remaining_minutes([4.0, 8.0], 9.0, 6.0) == pytest.approx(1.2)  # longer than any: a fifth of one


def test_the_citizens_tapping_hold_up_nobody_else():
    # each sector's citizen who may tap now is followed, but only one of them will come: the
    # other sector's line is not delayed by the one who does not
    forecast = hall({A: line(), B: line()}, [desk(1, A, B)], waiting(B, 1))
    assert forecast.estimate(A, 0).minutes == 0
    assert forecast.estimate(B, 1).minutes == 10  # behind the one waiting, not the land tapper


def test_the_spread_grows_with_the_services_before_the_call():
    lines = {A: Line(minutes_each=10.0, spread=4.0, arrivals_per_hour=0.0, priority_share=0.0,
                     numbers_left=999,
                     issuing=((-60.0, 480.0),))}
    forecast = hall(lines, [desk(1, A)], waiting(A, 4))
    assert forecast.estimate(A, 1).spread == 4.0
    assert forecast.estimate(A, 4).spread == 8.0  # four services of ±4 minutes: ±8


def test_the_citizens_to_come_join_their_own_sectors_line():
    # Counter 1 serves land (A) first, then construction (B), the hall's last sector; a land
    # citizen comes every minute and a service takes 10. A land citizen goes first while they
    # came less than 10 minutes (the second sector's handicap) after the construction one.
    forecast = hall({A: line(per_hour=60), B: line()}, [desk(1, A, B)],
                    waiting(B, 1, minutes_ago=5))
    # the land citizens coming at 1 to 4 minutes are called at 0, 10, 20 and 30
    assert [forecast.estimate(A, ahead).minutes for ahead in range(1, 5)] == [0, 8, 17, 30]
    # then the construction citizen who came 5 minutes ago; the one tapping now comes after
    # the land citizens coming at 5 to 9 minutes, at 100
    assert [forecast.estimate(B, ahead).minutes for ahead in range(2)] == [40, 100]


def test_a_run_with_drawn_services_takes_each_service_as_drawn():
    # one counter, three waiting: the services drawn last 4, 7 and 12 minutes instead of 10
    drawn = iter([4.0, 7.0, 12.0])
    forecast = Forecast(HallNow(now=NOW, settings=HallSettings(), lines={A: line()},
                                desks=(desk(1, A),), waiting=tuple(waiting(A, 3)),
                                opening=DAY, closes=480.0), draw=lambda sector: next(drawn))
    assert [forecast.estimate(A, ahead).minutes for ahead in range(3)] == [0, 4, 11]
