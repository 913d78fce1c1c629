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


def test_a_call_after_the_current_windows_end_passes_closing():
    from datetime import datetime

    from motcua.queue.estimates import passes_closing
    morning = datetime(2026, 11, 25, 11, 20)
    assert passes_closing("07:00-11:30,13:30-17:00", morning, 11)
    assert not passes_closing("07:00-11:30,13:30-17:00", morning, 10)
    assert not passes_closing("07:00-11:30,13:30-17:00", datetime(2026, 11, 25, 12, 0), 600)
