"""The citizen's satisfaction rating, taken on the tablet at the counter right after service.

The tablet asks about the ticket the counter finished last (within a few minutes), and a
ticket is rated once: the unique constraint on `ratings.ticket_id` is the safety net when
two taps race. Every rating leaves a `rated` event row like any other change.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from motcua.core.accounts import Device
from motcua.core.actors import Actor, DeviceKind
from motcua.core.clock import Clock, local_day
from motcua.core.errors import N_
from motcua.core.events import Event, EventName
from motcua.core.identity import device_for_token
from motcua.core.uow import UnitOfWork, use_case
from motcua.counter.models import Rating, RatingLevel
from motcua.queue import errors
from motcua.queue.models import Hall, Ticket, TicketEvent, TicketStatus
from motcua.queue.services import get_counter, get_hall, settings_of
from motcua.queue.settings import HallSettings

# Preset reasons a dissatisfied citizen can tap (no typing at the counter).
REASONS: tuple[str, ...] = ("long_wait", "attitude", "unclear_guidance", "extra_documents",
                            "other")
# How long after a ticket is finished the tablet may still ask about it.
RATING_WINDOW = timedelta(minutes=5)
ALREADY_RATED = N_("Số này đã được đánh giá rồi. Xin cảm ơn!")


class AlreadyRated(errors.Conflict):
    code = "already_rated"


class NotRateable(errors.DomainError):
    code = "not_rateable"


class NotThisTablet(errors.Forbidden):
    code = "not_this_tablet"


def levels_for(settings: HallSettings) -> list[RatingLevel]:
    """Three levels as in the official survey; four ("Bình thường") when the hall says so."""
    if settings.rating_levels == 4:
        return [RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.NEUTRAL,
                RatingLevel.UNSATISFIED]
    return [RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.UNSATISFIED]


def tablet_at(session: Session, token: str | None, hall_code: str, counter_number: int) -> Device:
    """The registered tablet behind `token`, if it belongs to this hall's counter."""
    device = device_for_token(session, token) if token else None
    if device is None or device.kind != DeviceKind.TABLET:
        raise NotThisTablet(N_("Thiết bị này không phải máy đánh giá đã đăng ký."))
    hall = get_hall(session, hall_code)
    counter = get_counter(session, hall, counter_number)
    if device.hall_id != hall.id or device.counter_id != counter.id:
        raise NotThisTablet(N_("Máy đánh giá này thuộc một quầy khác, không phải quầy %(number)s."),
                            number=counter_number)
    return device


def tablet_actor(device: Device) -> Actor:
    return Actor(kind="tablet", name=device.name, hall_id=device.hall_id, device_id=device.id)


def _rateable(clock: Clock, hall: Hall, device: Device) -> Select[Ticket]:
    """Finished tickets of the tablet's counter, today, recently enough to ask about."""
    return select(Ticket).where(
        Ticket.hall_id == hall.id,
        Ticket.counter_id == device.counter_id,
        Ticket.status == TicketStatus.DONE,
        Ticket.day == local_day(clock, hall.time_zone),
        Ticket.finished_at >= clock.now() - RATING_WINDOW,
    )


def pending_ticket(session: Session, clock: Clock, device: Device) -> Ticket | None:
    """The ticket the tablet should ask about now: the counter's last finished, unrated one."""
    hall = session.get_one(Hall, device.hall_id)
    rated = select(Rating.ticket_id)
    return session.scalar(
        _rateable(clock, hall, device)
        .where(Ticket.id.not_in(rated))
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc())
        .limit(1)
    )


@use_case
def rate(
    uow: UnitOfWork, *, device: Device, ticket_id: int, level: RatingLevel,
    reason: str | None = None,
) -> Rating:
    """Store the citizen's rating of a ticket once; a second attempt raises `AlreadyRated`."""
    session = uow.session
    hall = session.get_one(Hall, device.hall_id)
    if level not in levels_for(settings_of(hall)):
        raise errors.InvalidInput(N_("Mức đánh giá “%(level)s” không dùng tại nơi này."),
                                  level=level.value)
    if reason is not None and (level != RatingLevel.UNSATISFIED or reason not in REASONS):
        raise errors.InvalidInput(N_("Lý do phải là một lý do có sẵn, và chỉ khi chưa hài lòng."))
    ticket = session.scalar(_rateable(uow.clock, hall, device).where(Ticket.id == ticket_id))
    if session.scalar(select(Rating.id).where(Rating.ticket_id == ticket_id)) is not None:
        raise AlreadyRated(ALREADY_RATED)
    if ticket is None:
        raise NotRateable(N_("Không còn đánh giá được số này."))
    counter = ticket.counter
    assert counter is not None
    now = uow.clock.now()
    rating = Rating(hall_id=hall.id, ticket_id=ticket.id, counter_id=counter.id,
                    officer_id=counter.officer_id, device_id=device.id, level=level,
                    reason=reason, day=local_day(uow.clock, hall.time_zone), at=now)
    session.add(rating)
    session.add(TicketEvent(hall_id=hall.id, ticket_id=ticket.id, counter_id=counter.id,
                            kind="rated", actor=tablet_actor(device).label, at=now,
                            reason=reason, data={"level": level.value}))
    try:
        session.flush()  # two taps racing on PostgreSQL: the second waits, then fails here
    except IntegrityError:
        raise AlreadyRated(ALREADY_RATED) from None
    uow.publish(Event(
        name=EventName.TICKET_RATED, hall=hall.code, counter_number=counter.number,
        payload={"ticket": {"display_number": ticket.display_number},
                 "counter": counter.number, "level": level.value, "reason": reason}))
    return rating
