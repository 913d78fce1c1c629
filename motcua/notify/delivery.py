"""The worker's part: deliver the due outbox rows, each at most once.

A row is claimed by one conditional UPDATE (its id, the attempts it was seen with, still
due): of two workers that saw it, one changes it and the other changes nothing and moves on.
The claim holds it for `LEASE` (status "sending"); a worker that died mid-send leaves it to be
claimed again once the lease is over. A failed attempt waits 30 s, 1, 2, 4… minutes (at most
an hour) before the next; after `MAX_ATTEMPTS` the row is "failed" with the last reason, until
staff retry it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, sessionmaker

from motcua.core.clock import Clock
from motcua.core.events import Event
from motcua.core.ports import Ports
from motcua.core.uow import UnitOfWork, use_case
from motcua.notify.channels import DeliveryError, Message, channel_for
from motcua.notify.models import HallChannel, Notification, NotificationStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
LEASE = timedelta(minutes=5)
BATCH = 50

def back_off(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: doubling from 30 s, at most an hour."""
    doubled: timedelta = FIRST_WAIT * 2 ** (attempts - 1)
    return min(LONGEST_WAIT, doubled)


@dataclass
class Round:
    """What one pass over the outbox did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another worker first


class _Unheard:
    def publish(self, event: Event) -> None:
        """The worker announces nothing: staff see its work in /admin."""


@use_case
def _claim(uow: UnitOfWork, *, notification_id: int, seen_attempts: int) -> bool:
    now = uow.clock.now()
    claimed: CursorResult[Any] = uow.session.execute(  # type: ignore[assignment]
        update(Notification)
        .where(Notification.id == notification_id, Notification.attempts == seen_attempts,
               Notification.status.in_([NotificationStatus.QUEUED, NotificationStatus.SENDING]),
               Notification.next_attempt_at <= now)
        .values(status=NotificationStatus.SENDING, attempts=seen_attempts + 1,
                next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False))
    return claimed.rowcount == 1


@use_case
def _settle(uow: UnitOfWork, *, notification_id: int, attempts: int, error: str | None) -> str:
    """Mark the claimed attempt sent, or back to the queue, or failed for good."""
    now = uow.clock.now()
    if error is None:
        values: dict[str, object] = dict(status=NotificationStatus.SENT, sent_at=now,
                                         last_error=None)
        outcome = "sent"
    elif attempts >= MAX_ATTEMPTS:
        values = dict(status=NotificationStatus.FAILED, last_error=error[:1000])
        outcome = "failed"
    else:
        values = dict(status=NotificationStatus.QUEUED, last_error=error[:1000],
                      next_attempt_at=now + back_off(attempts))
        outcome = "retrying"
    settled: CursorResult[Any] = uow.session.execute(  # type: ignore[assignment]
        update(Notification)
        .where(Notification.id == notification_id, Notification.attempts == attempts,
               Notification.status == NotificationStatus.SENDING)
        .values(**values).execution_options(synchronize_session=False))
    # Held past its lease, the row was claimed again by another worker, which settles it.
    return outcome if settled.rowcount == 1 else "skipped"


def deliver_due(sessions: sessionmaker[Session], clock: Clock, instance_dir: Path,
                limit: int = BATCH) -> Round:
    """One pass: claim and send up to `limit` due rows, each through its hall's channel."""
    result = Round()
    with sessions() as session:
        ports = Ports(session=session, clock=clock, publisher=_Unheard())
        due = session.execute(
            select(Notification.id, Notification.attempts)
            .where(Notification.status.in_([NotificationStatus.QUEUED, NotificationStatus.SENDING]),
                   Notification.next_attempt_at <= clock.now())
            .order_by(Notification.next_attempt_at, Notification.id).limit(limit)).all()
        session.rollback()
        for notification_id, seen in due:
            if not _claim(ports, notification_id=notification_id, seen_attempts=seen):
                result.skipped += 1
                continue
            row = session.get(Notification, notification_id, populate_existing=True)
            assert row is not None  # claimed just now: rows are never deleted
            message = Message(key=row.idempotency_key, hall=row.hall.code, recipient=row.recipient,
                              template=row.template, text=row.text, params=row.params)
            settings = session.scalar(select(HallChannel).where(HallChannel.hall_id == row.hall_id))
            session.rollback()  # no transaction held open while the network is waited on
            error = _send(message, settings, instance_dir)
            outcome = _settle(ports, notification_id=notification_id, attempts=seen + 1,
                              error=error)
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _send(message: Message, settings: HallChannel | None, instance_dir: Path) -> str | None:
    """The reason the message did not go, or None. Anything a channel raises is a reason: one
    message with settings no channel expected must not stop the worker for every other."""
    try:
        channel = (channel_for(settings.kind, settings.config, instance_dir)
                   if settings is not None else None)
        if channel is None:
            return "the hall sends no notifications now (channel off)"
        channel.send(message)
    except DeliveryError as exc:
        return str(exc) or type(exc).__name__
    except Exception as exc:
        log.exception("notification %s: unexpected error", message.key)
        return f"{type(exc).__name__}: {exc}"
    return None
