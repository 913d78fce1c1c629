"""Helpers for tests: hall-time instants, credentials, headers."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from motcua.auth.accounts import create_user
from motcua.core.actors import SYSTEM, Actor, Role
from motcua.core.clock import Clock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports

HALL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def hall_time(*args: int) -> datetime:
    """An aware instant given in hall time: hall_time(2026, 11, 25, 9, 0)."""
    return datetime(*args, tzinfo=HALL_TZ)  # type: ignore[misc]


class RunningClock:
    """A clock that runs at the real pace from a chosen instant: a live server's hall time
    that does not depend on when the tests run (just after hall midnight, say)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


def system_ports(session: Session, clock: Clock) -> Ports:
    """What a test's set-up acts through, as the CLI does (as `SYSTEM`): accounts, tokens and
    devices created here are audited like any, and nobody listens to the events."""
    return Ports(session, clock, RecordingPublisher())


def make_officer(session: Any, clock: Clock, username: str = "lan", hall: str = "demo") -> Actor:
    user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                          username=username, role=Role.OFFICER,
                          password="secret-pass", hall_code=hall)
    return Actor(kind="staff", name=user.username, role=Role.OFFICER, user_id=user.id,
                 hall_id=user.hall_id)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
