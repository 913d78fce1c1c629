"""The wait told to a citizen: a range in whole steps, never a false precision."""
from __future__ import annotations

import pytest

from motcua.queue.estimates import WaitRange, wait_range


@pytest.mark.parametrize(("minutes", "told"), [
    (0, WaitRange(0, 0)),
    (3, WaitRange(0, 5)),
    (9, WaitRange(5, 15)),
    (20, WaitRange(15, 25)),
    (60, WaitRange(45, 75)),
])
def test_an_estimate_is_told_as_a_range_of_five_minute_steps_around_it(minutes, told):
    assert wait_range(minutes) == told


def test_every_range_holds_its_estimate_and_is_at_least_one_step_wide():
    for minutes in range(1, 240):
        told = wait_range(minutes)
        assert told.low <= minutes <= told.high
        assert told.high - told.low >= 5


def test_a_spread_prediction_is_told_wider_and_further_up_than_down():
    assert wait_range(20, spread=10) == WaitRange(10, 35)  # 20 - 10, 20 + 1.5 × 10
    assert wait_range(20, spread=2) == wait_range(20)  # within the usual fifth either way
