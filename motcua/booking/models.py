"""What booking keeps: a hall's booking settings, the bookings, and the counters that keep
slots and phone numbers within their limits under concurrent booking."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from motcua.core.db import Base, enum_column
from motcua.queue.models import Hall, Sector

PUBLIC_PAGE = "public"  # `Booking.booked_by` of a booking made on the hall's public page


class BookingStatus(str, enum.Enum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked-in"


class BookingSettings(Base):
    """A hall's booking rules; a hall without a row takes no bookings."""

    __tablename__ = "booking_settings"

    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    horizon_days: Mapped[int] = mapped_column(Integer, default=7)  # how far ahead one may book
    lead_minutes: Mapped[int] = mapped_column(Integer, default=60)  # booked at least this before
    grace_minutes: Mapped[int] = mapped_column(Integer, default=15)  # late, still an appointment
    phone_daily_limit: Mapped[int] = mapped_column(Integer, default=2)  # bookings a day per phone
    # [{"sector": "dat-dai", "weekdays": [0, 1, 2, 3, 4], "start": "07:30", "end": "11:00",
    #   "slot_minutes": 30, "capacity": 2}]: see motcua.booking.bands
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("hall_id", "code", name="uq_booking_code"),
        Index("ix_bookings_day", "hall_id", "day", "status"),
        Index("ix_bookings_id_card", "hall_id", "day", "id_card_digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"))
    procedure_code: Mapped[str | None] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(12))  # typed at the kiosk: eight digits
    secret: Mapped[str] = mapped_column(String(40), unique=True)  # in the link to cancel or move
    day: Mapped[date] = mapped_column(Date)  # hall-local date of the slot
    slot_at: Mapped[datetime]
    slot_minutes: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    id_card_digest: Mapped[str | None] = mapped_column(String(64))  # dossier.access.id_card_digest
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus),
                                                  default=BookingStatus.CONFIRMED)
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    # Checked in within the grace period: the ticket is an appointment; else a walk-in.
    on_time: Mapped[bool | None]
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    booked_by: Mapped[str] = mapped_column(String(120))  # PUBLIC_PAGE, or the API's "token:portal"

    hall: Mapped[Hall] = relationship()
    sector: Mapped[Sector] = relationship()


class BookingCount(Base):
    """How many bookings hold a slot of a sector ("slot:<sector id>:<HH:MM>") or a phone
    number's day ("phone:<number>"): raised by one conditional UPDATE that fails when full,
    so concurrent bookings never read-then-write."""

    __tablename__ = "booking_counts"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    taken: Mapped[int] = mapped_column(Integer, default=0)
