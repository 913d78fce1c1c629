"""Helpers for tests: hall-time instants, credentials, headers."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from motcua.auth.accounts import create_user
from motcua.core.clock import Clock
from motcua.core.actors import Role
from motcua.core.actors import Actor

HALL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def hall_time(*args: int) -> datetime:
    """An aware instant given in hall time: hall_time(2026, 11, 25, 9, 0)."""
    return datetime(*args, tzinfo=HALL_TZ)  # type: ignore[misc]


def make_officer(session: Any, clock: Clock, username: str = "lan", hall: str = "demo") -> Actor:
    user, _ = create_user(session, clock, username=username, role=Role.OFFICER,
                          password="secret-pass", hall_code=hall)
    return Actor(kind="staff", name=user.username, role=Role.OFFICER, user_id=user.id,
                 hall_id=user.hall_id)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
