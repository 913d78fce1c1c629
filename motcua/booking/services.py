"""Booking's use cases: book, cancel, move, check in at the kiosk, and the hall's settings.

Each runs in one unit of work and announces itself once committed (BOOKING_CONFIRMED,
BOOKING_CANCELLED, BOOKING_CHECKED_IN, with the booking's id and phone number, so the
notifications' outbox can turn them into messages). No Flask here.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from motcua.booking import counts
from motcua.booking.bands import Band, parse_bands
from motcua.booking.errors import (
    N_,
    BookingNotFound,
    NoBookings,
    NotConfirmed,
    NotToday,
    PhoneLimitReached,
    SlotNotOffered,
    SlotTaken,
)
from motcua.booking.models import PUBLIC_PAGE, Booking, BookingSettings, BookingStatus
from motcua.booking.slots import Slot, offered_slots, settings_of
from motcua.changes.audit import audited, hall_to_change, snapshot
from motcua.core.accounts import Device
from motcua.core.actors import Actor
from motcua.core.clock import local_day
from motcua.core.errors import Invalid, Problems
from motcua.core.events import Event, EventName
from motcua.core.uow import UnitOfWork, use_case
from motcua.dossier.access import id_card_digest, normalise_id_card
from motcua.dossier.cccd import looks_like_card, parse_chip_card
from motcua.dossier.models import Procedure
from motcua.kiosk.services import TakenTicket, take_ticket
from motcua.queue.models import Hall, Sector
from motcua.queue.services import get_hall, get_hall_and_sector
from motcua.queue.services import settings_of as hall_settings_of

CODE_LENGTH = 8
CODE = re.compile(r"\d{8}")
PHONE = re.compile(r"0\d{9}")
BOOKING_PATH = "/dat-lich/xem/"  # the QR code's link: …/dat-lich/xem/<secret>
SECRET = re.compile(r"[A-Za-z0-9_-]{20,40}")


# --- finding -----------------------------------------------------------------------------


def normalise_phone(typed: str) -> str | None:
    """A Vietnamese mobile number as ten digits from 0; +84 and spaces are accepted."""
    digits = re.sub(r"[\s.()-]", "", typed)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if PHONE.fullmatch(digits) else None


def by_secret(session: Session, secret: str) -> Booking:
    booking = session.scalar(select(Booking).where(Booking.secret == secret)) \
        if SECRET.fullmatch(secret) else None
    if booking is None:
        raise BookingNotFound(N_("Không tìm thấy lịch hẹn này."))
    return booking


def by_code(session: Session, hall: Hall, code: str) -> Booking:
    code = re.sub(r"[\s-]", "", code)
    booking = session.scalar(select(Booking).where(Booking.hall_id == hall.id, Booking.code == code)) \
        if CODE.fullmatch(code) else None
    if booking is None:
        raise BookingNotFound(N_("Không tìm thấy lịch hẹn có mã %(code)s."), code=code[:12])
    return booking


def _settings(session: Session, hall: Hall) -> BookingSettings:
    settings = settings_of(session, hall)
    if settings is None:
        raise NoBookings(N_("%(hall)s chưa nhận đặt lịch hẹn."), hall=hall.name)
    return settings


def _payload(booking: Booking, **extra: Any) -> dict[str, Any]:
    """What the events say: enough for the notifications to write to the citizen."""
    return {"booking": booking.id, "code": booking.code, "phone": booking.phone,
            "name": booking.name, "sector": booking.sector.code,
            "slot_at": booking.slot_at.isoformat(), "secret": booking.secret, **extra}


# --- booking -----------------------------------------------------------------------------


def _slot(session: Session, uow: UnitOfWork, hall: Hall, sector: Sector,
          settings: BookingSettings, at: datetime) -> Slot:
    if at.tzinfo is not None:  # a time without its offset names no slot
        day = at.astimezone(ZoneInfo(hall.time_zone)).date()
        for slot in offered_slots(session, uow.clock, hall, sector, settings, days=[day]):
            if slot.at == at:
                return slot
    raise SlotNotOffered(N_("Giờ hẹn này không nhận đặt (đã qua, quá xa, ngày nghỉ hoặc ngoài "
                            "giờ). Xin chọn giờ khác."), field="slot")


def _hold(session: Session, hall: Hall, sector: Sector, slot: Slot) -> None:
    """Take a place in the slot, or refuse: full means full, whoever booked at the same time."""
    if not counts.take(session, counts.slot_scope(sector.id, slot.local_time), slot.at.date(),
                       slot.capacity):
        raise SlotTaken(N_("Giờ %(time)s ngày %(day)s vừa hết chỗ. Xin chọn giờ khác."),
                        field="slot", time=slot.local_time, day=slot.at.strftime("%d/%m/%Y"))


def _new_code(session: Session, hall: Hall) -> str:
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
        if session.scalar(select(Booking.id).where(Booking.hall_id == hall.id,
                                                   Booking.code == code)) is None:
            return code


@dataclass(frozen=True)
class Applicant:
    name: str
    phone: str
    id_card: str | None = None  # as typed; kept only as its digest
    procedure_code: str | None = None


@use_case
def book(uow: UnitOfWork, *, hall_code: str, sector_code: str, slot_at: datetime,
         applicant: Applicant, id_card_key: bytes, booked_by: str = PUBLIC_PAGE) -> Booking:
    """Book a place in a slot for a citizen: no account, a phone number and a name."""
    session = uow.session
    hall, sector = get_hall_and_sector(session, hall_code, sector_code)
    settings = _settings(session, hall)
    problems = Problems()
    name = " ".join(applicant.name.split())
    if not 2 <= len(name) <= 200:
        problems.add("name", N_("Xin nhập họ và tên."))
    phone = normalise_phone(applicant.phone)
    if phone is None:
        problems.add("phone", N_("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0."))
    digest = None
    if applicant.id_card:
        number = normalise_id_card(applicant.id_card)
        if number is None:
            problems.add("id_card", N_("Số căn cước gồm 12 chữ số."))
        else:
            digest = id_card_digest(number, id_card_key)
    if slot_at.tzinfo is None:
        problems.add("slot", N_("Xin chọn giờ hẹn."))
    procedure = applicant.procedure_code or None
    if procedure is not None and session.scalar(select(Procedure.id).where(
            Procedure.hall_id == hall.id, Procedure.sector_id == sector.id,
            Procedure.code == procedure, Procedure.active.is_(True))) is None:
        problems.add("procedure", N_("Lĩnh vực này không có thủ tục %(code)s."), code=procedure[:40])
    problems.raise_any()
    assert phone is not None
    slot = _slot(session, uow, hall, sector, settings, slot_at)
    _hold(session, hall, sector, slot)
    if not counts.take(session, counts.phone_scope(hall.id, phone), slot.at.date(),
                       settings.phone_daily_limit):
        raise PhoneLimitReached(N_("Số điện thoại này đã đặt đủ %(limit)d lịch hẹn trong ngày "
                                   "%(day)s."), field="phone", limit=settings.phone_daily_limit,
                                day=slot.at.strftime("%d/%m/%Y"))
    booking = Booking(
        hall_id=hall.id, sector=sector, procedure_code=procedure,
        code=_new_code(session, hall), secret=secrets.token_urlsafe(18), day=slot.at.date(),
        slot_at=slot.at, slot_minutes=slot.minutes, name=name, phone=phone,
        id_card_digest=digest, status=BookingStatus.CONFIRMED, created_at=uow.clock.now(),
        booked_by=booked_by)
    session.add(booking)
    session.flush()
    uow.publish(Event(EventName.BOOKING_CONFIRMED, hall.code, _payload(booking), private=True))
    return booking


def require_confirmed(booking: Booking) -> None:
    if booking.status == BookingStatus.CANCELLED:
        raise NotConfirmed(N_("Lịch hẹn %(code)s đã hủy."), code=booking.code)
    if booking.status == BookingStatus.CHECKED_IN:
        raise NotConfirmed(N_("Lịch hẹn %(code)s đã được lấy số."), code=booking.code)


def _release(session: Session, booking: Booking) -> None:
    local = booking.slot_at.astimezone(ZoneInfo(booking.hall.time_zone))
    counts.release(session, counts.slot_scope(booking.sector_id, local.strftime("%H:%M")),
                   booking.day)
    counts.release(session, counts.phone_scope(booking.hall_id, booking.phone), booking.day)


@use_case
def cancel(uow: UnitOfWork, *, booking_id: int) -> Booking:
    """Give the place back; the booking stays, cancelled, for the reports."""
    booking = uow.session.get(Booking, booking_id)
    if booking is None:
        raise BookingNotFound(N_("Không tìm thấy lịch hẹn này."))
    require_confirmed(booking)
    _release(uow.session, booking)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = uow.clock.now()
    uow.publish(Event(EventName.BOOKING_CANCELLED, booking.hall.code, _payload(booking), private=True))
    return booking


@use_case
def move(uow: UnitOfWork, *, booking_id: int, slot_at: datetime) -> Booking:
    """Another slot of the same sector, the old place given back in the same transaction."""
    session = uow.session
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise BookingNotFound(N_("Không tìm thấy lịch hẹn này."))
    require_confirmed(booking)
    hall = booking.hall
    settings = _settings(session, hall)
    _release(session, booking)
    slot = _slot(session, uow, hall, booking.sector, settings, slot_at)
    _hold(session, hall, booking.sector, slot)
    if not counts.take(session, counts.phone_scope(hall.id, booking.phone), slot.at.date(),
                       settings.phone_daily_limit):
        raise PhoneLimitReached(N_("Số điện thoại này đã đặt đủ %(limit)d lịch hẹn trong ngày "
                                   "%(day)s."), field="phone", limit=settings.phone_daily_limit,
                                day=slot.at.strftime("%d/%m/%Y"))
    booking.day = slot.at.date()
    booking.slot_at = slot.at
    booking.slot_minutes = slot.minutes
    uow.publish(Event(EventName.BOOKING_CONFIRMED, hall.code, _payload(booking, moved=True), private=True))
    return booking


# --- checking in at the kiosk ------------------------------------------------------------


@dataclass(frozen=True)
class CheckedIn:
    booking: Booking
    taken: TakenTicket
    appointment: bool  # False: later than the grace period, issued as a walk-in
    early: bool  # before the slot: waits until then


def _secret_in(value: str) -> str | None:
    if BOOKING_PATH not in value:
        return None
    return urlsplit(value).path.rstrip("/").rsplit("/", 1)[-1]


def find_for_check_in(session: Session, hall: Hall, scanned: str, today: date,
                      id_card_key: bytes) -> Booking:
    """The booking a scan or a typed code names: the booking's QR code, its code, or the chip
    ID card's QR code (the holder's first booking of today still to check in)."""
    value = scanned.strip()
    if looks_like_card(value):
        card = parse_chip_card(value)
        digest = id_card_digest(card.number, id_card_key)
        booking = session.scalar(
            select(Booking).where(Booking.hall_id == hall.id, Booking.day == today,
                                  Booking.id_card_digest == digest,
                                  Booking.status == BookingStatus.CONFIRMED)
            .order_by(Booking.slot_at, Booking.id).limit(1))
        if booking is None:
            raise BookingNotFound(N_("Hôm nay không có lịch hẹn nào với căn cước này."))
        return booking
    secret = _secret_in(value)
    booking = by_secret(session, secret) if secret is not None else by_code(session, hall, value)
    if booking.hall_id != hall.id:
        raise BookingNotFound(N_("Lịch hẹn này ở nơi khác, không phải %(hall)s."), hall=hall.name)
    return booking


@use_case
def check_in(uow: UnitOfWork, *, hall_code: str, scanned: str, device: Device | None,
             actor: Actor, status_url: Callable[[str], str], id_card_key: bytes) -> CheckedIn:
    """Issue the ticket of a booking of today. Early: an appointment that waits for its slot;
    within the grace period: an appointment; later: a walk-in, and the kiosk says so."""
    session = uow.session
    hall = get_hall(session, hall_code)
    zone = ZoneInfo(hall.time_zone)
    today = local_day(uow.clock, hall.time_zone)
    booking = find_for_check_in(session, hall, scanned, today, id_card_key)
    require_confirmed(booking)
    slot_local = booking.slot_at.astimezone(zone)
    if booking.day != today:
        raise NotToday(N_("Lịch hẹn này là ngày %(day)s lúc %(time)s, không phải hôm nay."),
                       day=slot_local.strftime("%d/%m/%Y"), time=slot_local.strftime("%H:%M"))
    settings = _settings(session, hall)
    now = uow.clock.now()
    on_time = now <= booking.slot_at + timedelta(minutes=settings.grace_minutes)
    taken = take_ticket(uow, device=device, hall_code=hall.code, sector_code=booking.sector.code,
                        priority=None, actor=actor, status_url=status_url,
                        appointment_at=booking.slot_at if on_time else None)
    booking.status = BookingStatus.CHECKED_IN
    booking.checked_in_at = now
    booking.on_time = on_time
    booking.ticket_id = taken.issued.ticket.id
    uow.publish(Event(EventName.BOOKING_CHECKED_IN, hall.code, _payload(
        booking, ticket=taken.issued.ticket.display_number, ticket_id=taken.issued.ticket.id,
        on_time=on_time), private=True))
    return CheckedIn(booking, taken, on_time, now < booking.slot_at)


# --- the hall's settings -----------------------------------------------------------------


@dataclass(frozen=True)
class SettingsForm:
    horizon_days: int
    lead_minutes: int
    grace_minutes: int
    phone_daily_limit: int
    appointment_share_percent: int
    bands: str  # one band a line, see motcua.booking.bands


SETTING_FIELDS = ("horizon_days", "lead_minutes", "grace_minutes", "phone_daily_limit", "bands")
LIMITS = {"horizon_days": (0, 90), "lead_minutes": (0, 7 * 24 * 60), "grace_minutes": (0, 240),
          "phone_daily_limit": (1, 20), "appointment_share_percent": (0, 100)}


@use_case
def update_settings(uow: UnitOfWork, *, actor: Actor, hall_code: str, form: SettingsForm) -> None:
    """Change the hall's booking rules, applied from the next request on, in the audit log."""
    session = uow.session
    hall = hall_to_change(session, actor, hall_code)
    problems = Problems()
    for name, (low, high) in LIMITS.items():
        if not low <= getattr(form, name) <= high:
            problems.add(name, N_("Giá trị từ %(low)d đến %(high)d."), low=low, high=high)
    bands: list[Band] = []
    try:
        bands = parse_bands(form.bands, {s.code for s in hall.sectors})
    except Invalid as exc:
        problems.extend(exc)
    problems.raise_any()
    settings = settings_of(session, hall)
    if settings is None:
        settings = BookingSettings(hall_id=hall.id, bands=[])
        session.add(settings)

    def watch() -> dict[str, Any]:
        return {**snapshot(settings, SETTING_FIELDS),
                "appointment_share": hall_settings_of(hall).appointment_share}

    with audited(uow, actor, hall, "booking", hall.code, "update", watch=watch):
        settings.horizon_days = form.horizon_days
        settings.lead_minutes = form.lead_minutes
        settings.grace_minutes = form.grace_minutes
        settings.phone_daily_limit = form.phone_daily_limit
        settings.bands = [b.as_json() for b in bands]
        hall.settings = {**hall.settings,
                         "appointment_share": form.appointment_share_percent / 100}
