"""What the notification outbox keeps: the messages owed to citizens, who asked for them, and
how each hall sends them.

A message row is written in the same transaction as what caused it (a call, a received
dossier), so a message exists exactly when its cause does; the worker delivers it afterwards.
Its idempotency key is unique: the same cause never owes the same person two messages.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from motcua.core.db import Base, enum_column
from motcua.queue.models import Hall, Ticket


class NotificationStatus(str, enum.Enum):
    QUEUED = "queued"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker until `next_attempt_at`
    SENT = "sent"
    FAILED = "failed"  # given up after the last attempt; staff may retry it
    CANCELLED = "cancelled"  # a booking's reminder, the booking cancelled before it was due


class Notification(Base):
    """One message to one citizen, rendered when it was owed."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_status_next", "status", "next_attempt_at"),
        Index("ix_notifications_hall_created", "hall_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    channel: Mapped[str] = mapped_column(String(20))  # the hall's channel when it was owed
    recipient: Mapped[str] = mapped_column(String(20))  # a phone number, 0xxxxxxxxx
    template: Mapped[str] = mapped_column(String(40))  # "ticket_called", "dossier_received", …
    text: Mapped[str] = mapped_column(Text)  # Vietnamese, with diacritics
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # for template channels
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[NotificationStatus] = mapped_column(
        enum_column(NotificationStatus), default=NotificationStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    hall: Mapped[Hall] = relationship()


class TicketSubscription(Base):
    """A phone number a citizen gave for one ticket (at the kiosk, or on the ticket's page):
    kept beside the ticket, not on it, and only for the ticket's day."""

    __tablename__ = "ticket_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    phone: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]

    ticket: Mapped[Ticket] = relationship()


class HallChannel(Base):
    """How a hall sends its notifications: one channel, its settings, and "còn N người"."""

    __tablename__ = "notify_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="off")  # see channels.KINDS
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ahead: Mapped[int] = mapped_column(Integer, default=2)  # "còn N người nữa là đến lượt"
    updated_at: Mapped[datetime]
