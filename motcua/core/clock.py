"""Time as a port: services ask a clock, tests hand them a fake one.

Every instant the system stores is aware UTC; a hall's "today" is computed from the
instant and the hall's own time zone, never from the server's local date.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

HALL_TIME_ZONE = "Asia/Ho_Chi_Minh"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._instant = instant.astimezone(UTC)

    def now(self) -> datetime:
        return self._instant

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._instant = instant.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self._instant += timedelta(**delta)


def local_now(clock: Clock, zone: str) -> datetime:
    return clock.now().astimezone(ZoneInfo(zone))


def local_day(clock: Clock, zone: str) -> date:
    return local_now(clock, zone).date()
