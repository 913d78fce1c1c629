"""What the citizens are owed, written beside its cause: the reaction the unit of work runs
just before it commits (`Ports.reactions`), and the opt-in.

`Notifier` looks at the events a use case collected and adds one outbox row per message
owed to someone who gave a phone number: a ticket's holder when the ticket is called or
has "còn N người nữa" ahead, a dossier's applicant when it is received, needs more papers or
its result is ready, a booking's citizen when it is confirmed (and reminded the day before),
cancelled or checked in (the code in the text, to type at the kiosk; the ticket the check-in
issued then follows that phone, as if given at the kiosk). A hall whose channel is "off"
owes nothing. Every row has an idempotency key: the same cause adds no second row, even from
two processes at once (the insert skips a taken key rather than failing its cause).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from motcua.core.clock import local_day
from motcua.core.errors import N_, InvalidInput, InvalidTransition, NotFound
from motcua.core.events import Event, EventName, moved_line
from motcua.core.uow import UnitOfWork, use_case
from motcua.dossier.models import Dossier, DossierStatus
from motcua.notify.models import HallChannel, Notification, NotificationStatus, TicketSubscription
from motcua.notify.phones import masked, normalise_phone
from motcua.queue.models import Hall, Sector, Ticket, TicketStatus
from motcua.queue.services import get_hall, get_ticket_by_token, people_ahead

DEFAULT_AHEAD = 2
# The kinds of message sent (`_owe`'s templates): what a Zalo OA maps to the ids of the ZNS
# templates it registered, so its settings name only these.
MESSAGE_KINDS = ("ticket_near", "ticket_called", "dossier_received", "dossier_refused",
                 "dossier_supplement", "dossier_result", "booking_confirmed", "booking_cancelled",
                 "booking_checked_in", "booking_reminder")
REMINDER_AT = time(16, 0)  # hall time, the day before a booking


def hall_channel(session: Session, hall: Hall) -> HallChannel | None:
    return session.scalar(select(HallChannel).where(HallChannel.hall_id == hall.id))


def sends_notifications(session: Session, hall: Hall) -> bool:
    """Whether the kiosk and the phone page offer to take a phone number at all."""
    channel = hall_channel(session, hall)
    return channel is not None and channel.kind != "off"


_SENDING_CHANNEL = (select(HallChannel.id, HallChannel.hall_id)
                    .join(Hall, Hall.id == HallChannel.hall_id)
                    .where(Hall.code == bindparam("hall_code"), HallChannel.kind != "off"))


def sending_key(hall_code: str) -> tuple[str, str]:
    """The memo's key for whether, and through which channel, a hall sends."""
    return ("notify_channel", hall_code)


def _sending(uow: UnitOfWork, hall_code: str) -> tuple[Hall, HallChannel] | None:
    """The hall and its channel, if it sends. Every use case asks, and most halls send
    nothing, so the answer is memorised like the service rates (a channel changed in /admin
    is forgotten at once in its process, within the memo's seconds in the others)."""
    ids = uow.memo.get(sending_key(hall_code), uow.clock.now(),
                       lambda: uow.session.execute(_SENDING_CHANNEL, {"hall_code": hall_code}).first())
    if ids is None:
        return None
    channel = uow.session.get(HallChannel, ids.id)
    hall = uow.session.get(Hall, ids.hall_id)
    if channel is None or hall is None or channel.kind == "off":  # changed in another process
        return None
    return hall, channel


def _owe(uow: UnitOfWork, hall: Hall, channel: HallChannel, phone: str, template: str, key: str,
         text: str, params: dict[str, Any], due: datetime | None = None) -> None:
    """Add the message, to go now or when `due`, unless one with its key exists (INSERT …
    ON CONFLICT DO NOTHING: the cause's transaction goes on)."""
    assert template in MESSAGE_KINDS, template  # a new kind is named there, for Zalo's settings
    now = uow.clock.now()
    values = dict(hall_id=hall.id, channel=channel.kind, recipient=phone, template=template,
                  text=text, params=params, idempotency_key=key,
                  status=NotificationStatus.QUEUED, attempts=0, next_attempt_at=due or now,
                  created_at=now)
    dialect = uow.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    uow.session.execute(insert(Notification).values(**values)
                        .on_conflict_do_nothing(index_elements=["idempotency_key"]))


@dataclass(frozen=True)
class Notifier:
    """The reaction: events in, outbox rows out, in the cause's transaction.

    `dossier_link` builds the public address of a dossier's status page from its QR secret
    (the web layer's `links.dossier_lookup_url`; tests pass their own)."""

    dossier_link: Callable[[str], str]

    def __call__(self, uow: UnitOfWork) -> None:
        halls: dict[str, tuple[Hall, HallChannel] | None] = {}
        for event in uow.events:
            if event.hall not in halls:
                halls[event.hall] = _sending(uow, event.hall)
            found = halls[event.hall]
            if found is not None:
                self._react(uow, event, *found)

    def _react(self, uow: UnitOfWork, event: Event, hall: Hall, channel: HallChannel) -> None:
        if event.name == EventName.TICKET_CALLED:
            _ticket_called(uow, event, hall, channel)
        sector = moved_line(event)
        if sector is not None:
            _line_moved(uow, hall, channel, sector)
        if event.name in (EventName.DOSSIER_RECEIVED, EventName.DOSSIER_STATUS_CHANGED):
            self._dossier(uow, event, hall, channel)
        if event.name in _BOOKING_TEXTS:
            _booking(uow, event, hall, channel)

    def _dossier(self, uow: UnitOfWork, event: Event, hall: Hall, channel: HallChannel) -> None:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == event.payload.get("code")))
        phone = _phone_or_none(dossier.applicant_phone) if dossier is not None else None
        if dossier is None or phone is None:
            return
        link = self.dossier_link(dossier.qr_secret)
        due = (dossier.due_at.astimezone(ZoneInfo(hall.time_zone)).strftime("%d/%m/%Y")
               if dossier.due_at is not None else "")  # registered online, not yet accepted
        params = dict(code=dossier.code, hall=hall.name, due=due, link=link)
        if event.name == EventName.DOSSIER_RECEIVED:
            _owe(uow, hall, channel, phone, "dossier_received", f"dossier_received:{dossier.code}",
                 f"{hall.name}: đã tiếp nhận hồ sơ {dossier.code}, hẹn trả kết quả ngày {due}. "
                 f"Tra cứu: {link}", params)
        elif dossier.status == DossierStatus.ACCEPTED and dossier.submitted_online:
            # Registered online and now taken on: the same message as a counter's intake.
            _owe(uow, hall, channel, phone, "dossier_received", f"dossier_received:{dossier.code}",
                 f"{hall.name}: đã tiếp nhận hồ sơ {dossier.code}, hẹn trả kết quả ngày {due}. "
                 f"Tra cứu: {link}", params)
        elif dossier.status == DossierStatus.REFUSED:
            _owe(uow, hall, channel, phone, "dossier_refused", f"dossier_refused:{dossier.code}",
                 f"{hall.name}: hồ sơ {dossier.code} không được tiếp nhận. Xem lý do: {link}",
                 params)
        elif dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
            # Each request for more papers is its own message: the key holds its time.
            _owe(uow, hall, channel, phone, "dossier_supplement",
                 f"dossier_supplement:{dossier.code}:{uow.clock.now().isoformat()}",
                 f"{hall.name}: hồ sơ {dossier.code} cần bổ sung giấy tờ. Xem chi tiết: {link}",
                 params)
        elif dossier.status == DossierStatus.DONE:
            _owe(uow, hall, channel, phone, "dossier_result", f"dossier_result:{dossier.code}",
                 f"{hall.name}: hồ sơ {dossier.code} đã có kết quả, mời ông/bà đến nhận. "
                 f"Tra cứu: {link}", params)


def _phone_or_none(typed: str) -> str | None:
    try:
        return normalise_phone(typed) if typed else None
    except InvalidInput:
        return None


def _subscribed_phone(session: Session, ticket_id: int) -> str | None:
    return session.scalar(select(TicketSubscription.phone)
                          .where(TicketSubscription.ticket_id == ticket_id))


def phone_given(session: Session, ticket_id: int) -> str | None:
    """The phone the ticket's citizen gave, masked (`phones.masked`), if any."""
    phone = _subscribed_phone(session, ticket_id)
    return masked(phone) if phone is not None else None


def _ticket_called(uow: UnitOfWork, event: Event, hall: Hall, channel: HallChannel) -> None:
    ticket = event.payload["ticket"]
    phone = _subscribed_phone(uow.session, ticket["id"])
    if phone is None or ticket.get("counter") is None:
        return
    _owe(uow, hall, channel, phone, "ticket_called",
         f"ticket_called:{ticket['id']}:{ticket['call_count']}",
         f"{hall.name}: mời số {ticket['display_number']} đến quầy {ticket['counter']}.",
         {"number": ticket["display_number"], "counter": ticket["counter"], "hall": hall.name})


def _line_moved(uow: UnitOfWork, hall: Hall, channel: HallChannel, sector_code: str) -> None:
    """"Còn N người nữa": once per ticket, the first time N or fewer (but someone) are ahead."""
    rows = uow.session.execute(
        select(Ticket, TicketSubscription.phone)
        .join(TicketSubscription, TicketSubscription.ticket_id == Ticket.id)
        .join(Sector, Sector.id == Ticket.sector_id)
        .where(Ticket.hall_id == hall.id, Sector.code == sector_code,
               Ticket.day == local_day(uow.clock, hall.time_zone),
               Ticket.status == TicketStatus.WAITING)).all()
    for ticket, phone in rows:
        _owe_if_near(uow, hall, channel, ticket, phone)


def _owe_if_near(uow: UnitOfWork, hall: Hall, channel: HallChannel, ticket: Ticket,
                 phone: str) -> None:
    ahead = people_ahead(uow.session, ticket, uow.clock.now())
    if 0 < ahead <= channel.ahead:
        _owe(uow, hall, channel, phone, "ticket_near", f"ticket_near:{ticket.id}",
             f"{hall.name}: số {ticket.display_number} còn {ahead} người nữa là đến lượt, "
             "mời ông/bà về gần quầy.",
             {"number": ticket.display_number, "ahead": ahead, "hall": hall.name})


_BOOKING_TEXTS = {
    EventName.BOOKING_CONFIRMED: ("booking_confirmed", "đã xác nhận lịch hẹn"),
    EventName.BOOKING_CANCELLED: ("booking_cancelled", "đã hủy lịch hẹn"),
    EventName.BOOKING_CHECKED_IN: ("booking_checked_in", "đã ghi nhận ông/bà đến theo lịch hẹn"),
}


def _instant(value: object) -> datetime | None:
    """An ISO instant with its offset, as events carry them; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _booking(uow: UnitOfWork, event: Event, hall: Hall, channel: HallChannel) -> None:
    """A booking's citizen opted in by booking with a phone number (in the event's payload).
    A confirmed booking also owes a reminder, due at 16:00 hall time the day before (none when
    that has passed); a cancelled one takes its reminder back, if not yet sent."""
    phone = _phone_or_none(str(event.payload.get("phone") or ""))
    booking = event.payload.get("booking") or event.payload.get("booking_id")
    if phone is None or booking is None:
        return
    template, what = _BOOKING_TEXTS[event.name]
    starts = _instant(event.payload.get("slot_at"))
    zone = ZoneInfo(hall.time_zone)
    at = starts.astimezone(zone).strftime("lúc %H:%M ngày %d/%m/%Y") if starts else ""
    code = str(event.payload.get("code") or "")
    # The code is what the citizen types at the kiosk when the QR code is not at hand.
    which = " ".join(part for part in (f"mã {code}" if code else "", at) if part)
    params = {"booking": booking, "code": code, "hall": hall.name, "at": at}
    _owe(uow, hall, channel, phone, template, f"{template}:{booking}",
         f"{hall.name} {what}{' ' + which if which else ''}.", params)
    reminder = f"booking_reminder:{booking}"
    if event.name == EventName.BOOKING_CONFIRMED and starts is not None:
        due = datetime.combine(starts.astimezone(zone).date() - timedelta(days=1), REMINDER_AT,
                               tzinfo=zone)
        if due > uow.clock.now():
            _owe(uow, hall, channel, phone, "booking_reminder", reminder,
                 f"{hall.name} nhắc: ông/bà có lịch hẹn {which}.", params, due=due)
    ticket = event.payload.get("ticket_id")
    if event.name == EventName.BOOKING_CHECKED_IN and isinstance(ticket, int):
        _subscribe_checked_in(uow, ticket, phone)
    elif event.name == EventName.BOOKING_CANCELLED:
        uow.session.execute(
            update(Notification)
            .where(Notification.idempotency_key == reminder,
                   Notification.status == NotificationStatus.QUEUED)
            .values(status=NotificationStatus.CANCELLED)
            .execution_options(synchronize_session=False))


# --- the opt-in --------------------------------------------------------------------------------


def _subscribe_checked_in(uow: UnitOfWork, ticket_id: int, phone: str) -> None:
    """A booking's phone follows the ticket its check-in issued: the citizen opted in by
    booking, so "còn N người" and the call reach the same phone as the confirmation."""
    ticket = uow.session.get(Ticket, ticket_id)
    if ticket is not None and ticket.status == TicketStatus.WAITING:
        _subscribe(uow, ticket, phone)


def _subscribe(uow: UnitOfWork, ticket: Ticket, typed_phone: str) -> TicketSubscription:
    phone = normalise_phone(typed_phone)
    if ticket.status != TicketStatus.WAITING:
        raise InvalidTransition(N_("Số %(number)s không còn chờ nên không nhận tin được nữa."),
                                number=ticket.display_number)
    subscription = uow.session.scalar(
        select(TicketSubscription).where(TicketSubscription.ticket_id == ticket.id))
    if subscription is None:
        subscription = TicketSubscription(ticket_id=ticket.id, phone=phone,
                                          created_at=uow.clock.now())
        uow.session.add(subscription)
    subscription.phone = phone
    uow.session.flush()
    # A citizen who opts in with N or fewer already ahead is told at once, not only when the
    # line next moves (which may be the call itself).
    sending = _sending(uow, ticket.hall.code)
    if sending is not None:
        _owe_if_near(uow, *sending, ticket, phone)
    return subscription


@use_case
def subscribe_at_kiosk(uow: UnitOfWork, *, hall_code: str, device_id: int, ticket_id: int,
                       phone: str) -> TicketSubscription:
    """The citizen's phone for the ticket this kiosk has just issued (the step after the
    slip); a kiosk cannot attach a phone to a ticket it did not issue."""
    hall = get_hall(uow.session, hall_code)
    ticket = uow.session.get(Ticket, ticket_id)
    if ticket is None or ticket.hall_id != hall.id or ticket.issued_by_device_id != device_id:
        raise NotFound(N_("Không tìm thấy số thứ tự này."))
    return _subscribe(uow, ticket, phone)


@use_case
def subscribe_by_token(uow: UnitOfWork, *, token: str, phone: str) -> TicketSubscription:
    """The citizen's phone, given on the ticket's own page (its token is the proof)."""
    return _subscribe(uow, get_ticket_by_token(uow.session, token), phone)
