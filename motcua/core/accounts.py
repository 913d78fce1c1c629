"""Who may act: staff accounts, scripts' tokens and registered devices.

The kernel keeps them because every component names them (a counter's officer, a ticket's
kiosk, a dossier's receiver). They point at halls and counters by table name; the queue
component maps those, and `motcua.models` loads every component's tables together.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from motcua.core.actors import DeviceKind, Role
from motcua.core.db import Base, enum_column

if TYPE_CHECKING:
    from motcua.queue.models import Hall


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"))  # None: every hall (admin)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # Kept in the session cookie and compared on every request: raising it (sign-out,
    # password reset, lock) ends every session of the person at once, copies included.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    hall: Mapped[Hall | None] = relationship()


class ApiToken(Base):
    """A bearer token for a script or integration; acts with its own role and hall."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # None: until revoked
    last_used_at: Mapped[datetime | None]  # to `LAST_USED_STEP`, see motcua.core.identity

    user: Mapped[StaffUser | None] = relationship()
    hall: Mapped[Hall | None] = relationship()


class Device(Base):
    """A registered kiosk or rating tablet: its hall, its token and, for kiosks, its printer."""

    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("hall_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    kind: Mapped[DeviceKind] = mapped_column(enum_column(DeviceKind))
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Kiosk: "agent" (a print agent on the kiosk PC) or a printer URL driven by the server.
    printer: Mapped[str | None] = mapped_column(String(300))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))  # tablets
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    hall: Mapped[Hall] = relationship()


def staff_names(session: Session, actors: Iterable[str]) -> dict[str, str]:
    """The full names of the staff among logged actors (`Actor.label`, "staff:<username>"), by
    label, in one read: logs keep the label, people read names."""
    usernames = {label.partition(":")[2] for label in actors if label.startswith("staff:")}
    if not usernames:
        return {}
    return {f"staff:{username}": name for username, name in session.execute(
        select(StaffUser.username, StaffUser.full_name).where(StaffUser.username.in_(usernames)))}
