"""The wait a citizen is told, as a range: an estimate is never exact, and a figure such as
"17 phút" promises a precision the hall cannot keep, so the citizen gets "khoảng 15–20 phút"."""
from __future__ import annotations

import math
from dataclasses import dataclass

STEP_MINUTES = 5  # ranges are told in steps a citizen plans with
SPREAD = 0.2  # the estimate can be off by about a fifth either way
UPWARD = 1.5  # a range reaches this many spreads above the estimate, one below


@dataclass(frozen=True)
class WaitRange:
    """From `low` to `high` minutes; (0, 0) when the citizen is next."""

    low: int
    high: int


def wait_range(minutes: int, spread: float = 0.0) -> WaitRange:
    """The range told for a point estimate of `minutes`, widened to whole steps: about a fifth
    either way, or more where the prediction's `spread` (a standard deviation, minutes) is
    larger — further up than down, as a wait runs long more often than short (services do)."""
    if minutes <= 0:
        return WaitRange(0, 0)
    below = max(minutes * SPREAD, spread)
    above = max(minutes * SPREAD, UPWARD * spread)
    low = STEP_MINUTES * math.floor(max(minutes - below, 0) / STEP_MINUTES)
    high = STEP_MINUTES * math.ceil((minutes + above) / STEP_MINUTES)
    return WaitRange(low, max(high, low + STEP_MINUTES))
