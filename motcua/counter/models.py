"""Satisfaction ratings (đánh giá mức độ hài lòng): one per ticket, tied to counter and officer."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from motcua.core.accounts import StaffUser
from motcua.core.db import Base
from motcua.queue.models import Counter, Ticket


class RatingLevel(str, enum.Enum):
    """The official survey's three levels, plus "Bình thường" that halls may switch on."""

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    UNSATISFIED = "unsatisfied"


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (Index("ix_ratings_hall_day", "hall_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    # Unique: a citizen rates a ticket once; a second tap is refused, not counted twice.
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    level: Mapped[RatingLevel] = mapped_column(
        Enum(RatingLevel, native_enum=False, length=20,
             values_callable=lambda e: [m.value for m in e]))
    reason: Mapped[str | None] = mapped_column(String(40))  # a preset code, see ratings.REASONS
    day: Mapped[date] = mapped_column(Date)  # hall-local, for daily reports
    at: Mapped[datetime]

    ticket: Mapped[Ticket] = relationship()
    counter: Mapped[Counter] = relationship()
    officer: Mapped[StaffUser | None] = relationship()
