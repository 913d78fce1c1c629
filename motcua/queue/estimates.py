"""The wait a citizen is told, as a range: an estimate is never exact, and a figure such as
"17 phút" promises a precision the hall cannot keep, so the citizen gets "khoảng 15–20 phút"."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from motcua.queue.hours import parse_windows

STEP_MINUTES = 5  # ranges are told in steps a citizen plans with
SPREAD = 0.2  # the estimate can be off by about a fifth either way


@dataclass(frozen=True)
class WaitRange:
    """From `low` to `high` minutes; (0, 0) when the citizen is next."""

    low: int
    high: int


def wait_range(minutes: int) -> WaitRange:
    """The range told for a point estimate of `minutes`, widened to whole steps."""
    if minutes <= 0:
        return WaitRange(0, 0)
    low = STEP_MINUTES * math.floor(minutes * (1 - SPREAD) / STEP_MINUTES)
    high = STEP_MINUTES * math.ceil(minutes * (1 + SPREAD) / STEP_MINUTES)
    return WaitRange(low, max(high, low + STEP_MINUTES))


def passes_closing(opening_windows: str, local: datetime, minutes: int) -> bool:
    """Whether a citizen taking a number at `local` (hall time) and called `minutes` later
    would be called after the hall's current opening window closes: such a ticket would not
    be served in this session. Outside every window nothing is predicted (issuing is refused
    there anyway)."""
    moment = local.time()
    for start, end in parse_windows(opening_windows):
        if start <= moment < end:
            closing = datetime.combine(local.date(), end, local.tzinfo)
            return local + timedelta(minutes=minutes) > closing
    return False
