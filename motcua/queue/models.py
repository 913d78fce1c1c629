"""The hall's things as the database keeps them: halls, sectors, counters, tickets, events.

Instants are aware UTC (see `motcua.core.db.UTCDateTime`); `Ticket.day` is the hall-local
date the number belongs to, which is what resets numbering at the hall's midnight.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from motcua.core.accounts import StaffUser
from motcua.core.clock import HALL_TIME_ZONE
from motcua.core.db import Base, enum_column
from motcua.queue.hours import parse_weekdays, still_to_come, within


class TicketStatus(str, enum.Enum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no-show"
    CANCELLED = "cancelled"


class Priority(str, enum.Enum):
    """Groups served first (hall practice, see shared/domain.md)."""

    ELDERLY = "elderly"
    DISABLED = "disabled"
    PREGNANT = "pregnant"
    MERIT = "merit"


class CounterState(str, enum.Enum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"




class Hall(Base):
    __tablename__ = "halls"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(60), default=HALL_TIME_ZONE)
    # "07:00-11:30,13:30-17:00": when the hall is open (and issues, unless a sector says otherwise)
    opening_windows: Mapped[str] = mapped_column(String(200), default="07:00-11:30,13:30-17:00")
    # Hall-level settings that have sensible defaults: see `motcua.queue.settings`.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    sectors: Mapped[list[Sector]] = relationship(back_populates="hall", order_by="Sector.position")
    counters: Mapped[list[Counter]] = relationship(back_populates="hall", order_by="Counter.number")


class Sector(Base):
    """A procedure sector (lĩnh vực) with its own line and its own numbers."""

    __tablename__ = "sectors"
    __table_args__ = (UniqueConstraint("hall_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    code: Mapped[str] = mapped_column(String(40))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # Numbers look like "A001" (prefix) or like "1023" (a block 1001-1999 with no prefix).
    prefix: Mapped[str] = mapped_column(String(4), default="")
    number_start: Mapped[int] = mapped_column(Integer, default=1)
    number_end: Mapped[int] = mapped_column(Integer, default=999)
    daily_cap: Mapped[int | None] = mapped_column(Integer)
    issuing_windows: Mapped[str | None] = mapped_column(String(200))  # None: the hall's windows
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    icon: Mapped[str] = mapped_column(String(40), default="document")
    position: Mapped[int] = mapped_column(Integer, default=0)

    hall: Mapped[Hall] = relationship(back_populates="sectors")

    def display(self, number: int) -> str:
        width = len(str(self.number_end))
        return f"{self.prefix}{number:0{width}d}" if self.prefix else str(number)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi


class Counter(Base):
    """A counter (quầy): serves sectors in an order of preference."""

    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("hall_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[CounterState] = mapped_column(enum_column(CounterState), default=CounterState.CLOSED)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # Priority tickets called in a row; the calling policy caps it.
    consecutive_priority_calls: Mapped[int] = mapped_column(Integer, default=0)
    # Appointments called ahead of walk-ins in a row; the calling policy caps it by the share.
    consecutive_appointment_calls: Mapped[int] = mapped_column(Integer, default=0)

    hall: Mapped[Hall] = relationship(back_populates="counters")
    officer: Mapped[StaffUser | None] = relationship()
    sector_links: Mapped[list[CounterSector]] = relationship(
        order_by="CounterSector.rank", cascade="all, delete-orphan"
    )

    @property
    def sectors(self) -> list[Sector]:
        return [link.sector for link in self.sector_links]


class CounterSector(Base):
    __tablename__ = "counter_sectors"

    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)  # 0 = the counter's first sector
    # A schedule, in hall time: "07:30-11:30" (None: all day) on weekdays "1-5" or "1,3,5"
    # (Monday is 1; None: every day). Morning land, afternoon construction.
    hours: Mapped[str | None] = mapped_column(String(200))
    weekdays: Mapped[str | None] = mapped_column(String(20))

    sector: Mapped[Sector] = relationship()

    def serves_at(self, local: datetime) -> bool:
        """Whether the counter serves this sector at that hall-local moment."""
        if self.weekdays and local.isoweekday() not in parse_weekdays(self.weekdays):
            return False
        return not self.hours or within(self.hours, local)

    def serves_later_today(self, local: datetime) -> bool:
        """Whether the counter serves this sector at that hall-local moment or later that day."""
        if self.weekdays and local.isoweekday() not in parse_weekdays(self.weekdays):
            return False
        return not self.hours or still_to_come(self.hours, local)


class StaffQualification(Base):
    """A sector an officer may serve: a counter takes another sector's ticket only if the
    officer signed in at it may serve that sector (and the hall's policy lets it)."""

    __tablename__ = "staff_qualifications"

    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"), primary_key=True)


RESERVED = "reserved_counter_id IS NOT NULL"
APPOINTMENT = "appointment_at IS NOT NULL"


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("issued_sector_id", "day", "sequence", name="uq_ticket_number_of_the_day"),
        Index("ix_tickets_waiting", "hall_id", "day", "status"),
        Index("ix_tickets_counter", "counter_id", "status"),
        # A sector's line today (people ahead, waiting counts, its head in order: calling
        # next) and its past week (the wait estimate), whatever the size of history.
        Index("ix_tickets_line", "sector_id", "day", "status", "priority", "queued_at"),
        # The tickets transferred to a counter by name (few): calling next there, without
        # an entry for every other ticket.
        Index("ix_tickets_reserved", "reserved_counter_id", "hall_id", "day", "status",
              sqlite_where=text(RESERVED), postgresql_where=text(RESERVED)),
        # The tickets of citizens who booked (few): the head of a line's appointments.
        Index("ix_tickets_appointments", "sector_id", "day", "status", "appointment_at",
              sqlite_where=text(APPOINTMENT), postgresql_where=text(APPOINTMENT)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"))  # the line it waits in now
    issued_sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"))  # gave the number
    day: Mapped[date] = mapped_column(Date)  # hall-local date
    sequence: Mapped[int] = mapped_column(Integer)  # 1, 2, 3… per sector per day, no gaps
    number: Mapped[int] = mapped_column(Integer)  # what is printed, e.g. 1023 in block 1001-1999
    display_number: Mapped[str] = mapped_column(String(12))
    status: Mapped[TicketStatus] = mapped_column(enum_column(TicketStatus), default=TicketStatus.WAITING)
    priority: Mapped[Priority | None] = mapped_column(enum_column(Priority))
    token: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[datetime]
    # Place in line; a transfer keeps it, so a transferred citizen is not sent to the back.
    queued_at: Mapped[datetime]
    called_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    # Set by a transfer to a named counter: only that counter may call the ticket.
    reserved_counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    transferred_from_sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"))
    transferred_from_counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    issued_by_device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    # What the citizen was told at issue (slip, kiosk, phone), kept to measure it against
    # `first_called_at - issued_at` (a recall or a transfer does not move the first call).
    estimated_wait_minutes: Mapped[int | None] = mapped_column(Integer)
    estimate_low_minutes: Mapped[int | None] = mapped_column(Integer)
    estimate_high_minutes: Mapped[int | None] = mapped_column(Integer)
    first_called_at: Mapped[datetime | None]
    # The booked slot's start for a citizen checked in with an appointment (motcua.booking
    # keeps the booking and links it to the ticket); None for a walk-in.
    appointment_at: Mapped[datetime | None]

    hall: Mapped[Hall] = relationship()
    sector: Mapped[Sector] = relationship(foreign_keys=[sector_id])
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id])
    transferred_from_sector: Mapped[Sector | None] = relationship(foreign_keys=[transferred_from_sector_id])
    transferred_from_counter: Mapped[Counter | None] = relationship(
        foreign_keys=[transferred_from_counter_id]
    )


class TicketEvent(Base):
    """Append-only log of every transition: what, who, when, why."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        Index("ix_ticket_events_hall_at", "hall_id", "at"),
        # A ticket's history, and reports reading it by kind (when a ticket was transferred,
        # who completed it).
        Index("ix_ticket_events_ticket_kind", "ticket_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(120))  # "officer:lan", "kiosk:3", "system"
    at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@event.listens_for(Session, "before_flush")
def _events_are_append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, TicketEvent):
            raise ValueError("ticket events are append-only")


class DaySequence(Base):
    """The last number given out in a scope on a hall-local day.

    Scopes: "sector:<id>" for tickets; other modules add their own (dossier codes).
    Bumped by one upsert statement inside the issuing transaction.
    """

    __tablename__ = "day_sequences"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)

