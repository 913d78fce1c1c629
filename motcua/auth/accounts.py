"""Staff, API tokens and devices: the one audited path that creates and changes them, and
turning a bearer token or a session cookie into an `Actor`.

Every write is a use case (`motcua.core.uow`) taking the `Actor` who makes it and recorded in
the audit log (`motcua.changes.audit`): the admin pages call these functions as the signed-in
administrator, the CLI (`motcua user|token|kiosk|tablet …`) as `SYSTEM`.

Tokens are random and stored only as SHA-256 digests: a leaked database does not leak
working tokens. Passwords are hashed with scrypt (werkzeug's default).
"""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from motcua.changes.audit import audited, hall_to_change, require_change, require_global_admin
from motcua.changes.errors import N_, Missing, Problems, Refused, invalid
from motcua.config import DEFAULTS
from motcua.core.accounts import ApiToken, Device, StaffUser
from motcua.core.actors import Actor, DeviceKind, Role
from motcua.core.clock import HALL_TIME_ZONE
from motcua.core.errors import InvalidInput
from motcua.core.identity import (
    API_TOKEN_PREFIX,
    DEVICE_TOKEN_PREFIXES,
    hash_token,
    new_token,
)
from motcua.core.uow import UnitOfWork, use_case
from motcua.printer.device.errors import PrinterError
from motcua.printer.device.urls import PrinterPolicy, parse_printer_url
from motcua.queue.models import Counter, CounterState, Hall
from motcua.queue.services import get_hall

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD = 8


def new_device_token(kind: DeviceKind) -> str:
    return new_token(DEVICE_TOKEN_PREFIXES[kind])


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_password(user: StaffUser, password: str) -> bool:
    return check_password_hash(user.password_hash, password)




def _new_password(password: str | None, problems: Problems) -> str:
    """The given password, or a generated one to hand over once."""
    secret = password if password else secrets.token_urlsafe(9)
    if len(secret) < MIN_PASSWORD:
        problems.add("password", N_("Mật khẩu cần ít nhất %(min)d ký tự."), min=MIN_PASSWORD)
    return secret


def _hall_of(uow: UnitOfWork, actor: Actor, hall_code: str | None) -> Hall | None:
    """The hall a change is about, if the actor may change it; none: every hall's, which only
    an administrator of every hall changes."""
    if hall_code is None:
        require_global_admin(actor)
        return None
    return hall_to_change(uow.session, actor, hall_code)


@use_case
def create_user(
    uow: UnitOfWork, *, actor: Actor, username: str, role: Role, password: str | None = None,
    hall_code: str | None = None, full_name: str = "",
) -> tuple[StaffUser, str]:
    """A staff member (of a hall, or an administrator of every hall); returns them and their
    password (generated when none is given)."""
    session = uow.session
    hall = _hall_of(uow, actor, hall_code)
    name = username.strip().lower()
    problems = Problems()
    if not USERNAME.match(name):
        problems.add("username", N_("Tên đăng nhập: 2–80 chữ thường không dấu, chữ số, "
                                    "“.”, “_” hoặc “-”."))
    elif session.scalar(select(StaffUser.id).where(StaffUser.username == name)) is not None:
        problems.add("username", N_("Đã có tài khoản “%(username)s”."), username=name)
    if len(full_name) > 200:
        problems.add("full_name", N_("Tên dài quá %(max)d ký tự."), max=200)
    if role != Role.ADMIN and hall is None:
        problems.add("hall", N_("Cán bộ và lãnh đạo bộ phận thuộc về một điểm tiếp nhận: hãy "
                                "chọn điểm."))
    secret = _new_password(password, problems)
    problems.raise_any()
    user = StaffUser(username=name, full_name=full_name or name, role=role,
                     password_hash=hash_password(secret), hall_id=hall.id if hall else None,
                     created_at=uow.clock.now(), active=True)
    with audited(uow, actor, hall, "staff", name, "create") as edit:
        session.add(user)
        session.flush()
        edit.note({"full_name": [None, user.full_name], "role": [None, role.value]})
    return user, secret


def find_staff(session: Session, hall: Hall, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None or user.hall_id != hall.id:
        raise Missing(N_("Không có cán bộ này ở %(hall)s."), hall=hall.name)
    return user


def refuse_self(actor: Actor, user: StaffUser) -> None:
    if actor.user_id == user.id:
        raise Refused(N_("Bạn không thể tự đổi vai trò hay tự khóa tài khoản của mình."))


def refuse_seated(session: Session, user: StaffUser) -> None:
    """A person at an open counter keeps their role and access until the counter closes."""
    seat = session.scalar(select(Counter).where(Counter.officer_id == user.id,
                                                Counter.state != CounterState.CLOSED))
    if seat is not None:
        raise Refused(N_("%(name)s đang làm việc tại quầy %(number)d: hãy đóng quầy trước."),
                      name=user.full_name, number=seat.number)


@use_case
def set_staff_active(uow: UnitOfWork, *, actor: Actor, hall_code: str, user_id: int,
                     active: bool) -> StaffUser:
    """Lock or unlock an account; a locked account is signed out at its next request, and
    its sessions stay ended when it is unlocked."""
    hall = hall_to_change(uow.session, actor, hall_code)
    user = find_staff(uow.session, hall, user_id)
    if user.active == active:
        return user
    if not active:
        refuse_self(actor, user)
        refuse_seated(uow.session, user)
    with audited(uow, actor, hall, "staff", user.username, "unlock" if active else "lock",
                 lambda: {"active": user.active}):
        user.active = active
        user.session_version += 1  # unlocking must not bring old sessions back
    return user


@use_case
def reset_password(uow: UnitOfWork, *, actor: Actor, hall_code: str, user_id: int,
                   password: str | None = None) -> str:
    """Set a new password (generated if none given) and return it, to hand over once."""
    hall = hall_to_change(uow.session, actor, hall_code)
    user = find_staff(uow.session, hall, user_id)
    problems = Problems()
    secret = _new_password(password, problems)
    problems.raise_any()
    with audited(uow, actor, hall, "staff", user.username, "reset_password"):
        user.password_hash = hash_password(secret)
        user.session_version += 1  # whoever knew the old password is signed out too
    return secret


def session_id(user: StaffUser) -> str:
    """What the session cookie keeps of a signed-in person (Flask-Login's alternative id):
    their id and session version, so raising the version ends every session at once."""
    return f"{user.id}:{user.session_version}"


def user_of_session(session: Session, kept: str) -> StaffUser | None:
    """The active staff member a session cookie's id names, if its version is still current."""
    user_id, _, version = kept.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None  # also a cookie from before session versions
    user = session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@use_case
def end_every_session(uow: UnitOfWork, *, user_id: int) -> None:
    """Sign the person out everywhere: every session cookie issued so far stops working.
    (Their own doing, at sign-out: not a change of configuration, so not in the audit log.)"""
    uow.session.execute(update(StaffUser).where(StaffUser.id == user_id)
                        .values(session_version=StaffUser.session_version + 1))


_SPAN = re.compile(r"^([1-9][0-9]{0,3})([dh])$")
EXPIRY_FORMS = "give 30d, 12h, a date (2026-12-31) or a time (2026-12-31T17:00)"


def expiry_from(text: str, now: datetime, zone: str) -> datetime:
    """`--expires`: "30d" or "12h" from now; a date, meaning the token works through that day
    in the hall's time; or an ISO time, in the hall's time unless it carries its own offset."""
    text = text.strip()
    span = _SPAN.match(text)
    if span:
        amount = int(span[1])
        return now + (timedelta(days=amount) if span[2] == "d" else timedelta(hours=amount))
    try:
        if len(text) == len("2026-12-31"):
            day_after = date.fromisoformat(text) + timedelta(days=1)
            return datetime.combine(day_after, time(), ZoneInfo(zone))
        moment = datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        raise InvalidInput("--expires '%(text)s': %(forms)s", text=text,
                           forms=EXPIRY_FORMS) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(zone))


def token_time_zone(session: Session, *, hall_code: str | None, username: str | None) -> str:
    """The time zone a token's dates are read in: its hall's, or its person's hall's."""
    if username is not None:
        user = session.scalar(select(StaffUser).where(StaffUser.username == username))
        return user.hall.time_zone if user is not None and user.hall else HALL_TIME_ZONE
    return get_hall(session, hall_code).time_zone if hall_code else HALL_TIME_ZONE


@use_case
def create_api_token(
    uow: UnitOfWork, *, actor: Actor, name: str, role: Role, hall_code: str | None = None,
    username: str | None = None, expires_at: datetime | None = None,
) -> str:
    """A token for a script (with its own role and hall) or one that acts as a staff member;
    with `expires_at` (aware) it stops working at that instant. Returns it (shown once)."""
    session = uow.session
    if expires_at is not None and expires_at.tzinfo is None:
        raise invalid("expires", N_("Hạn dùng cần có múi giờ."))
    if expires_at is not None and expires_at <= uow.clock.now():
        raise invalid("expires", N_("Hạn dùng đã qua."))
    user = None
    if username is not None:
        user = session.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            raise invalid("username", N_("Không có tài khoản “%(username)s”."), username=username)
        role, hall_id = user.role, user.hall_id
        hall = session.get(Hall, hall_id) if hall_id is not None else None
        if hall is None:
            require_global_admin(actor)
        else:
            require_change(actor, hall)
    else:
        hall = _hall_of(uow, actor, hall_code)
        hall_id = hall.id if hall else None
    token = new_token(API_TOKEN_PREFIX)
    with audited(uow, actor, hall, "api_token", name, "create") as edit:
        session.add(ApiToken(name=name, token_hash=hash_token(token), role=role, hall_id=hall_id,
                             user_id=user.id if user else None, created_at=uow.clock.now(),
                             expires_at=expires_at))
        edit.note({"role": [None, role.value], "user": [None, username],
                   "expires_at": [None, expires_at.isoformat() if expires_at else None]})
    return token


@use_case
def revoke_api_token(uow: UnitOfWork, *, actor: Actor, token_id: int,
                     hall_code: str | None = None) -> ApiToken:
    """Stop a token at once. From a hall's page only that hall's tokens; a token of no hall
    only by an administrator of every hall."""
    session = uow.session
    token = session.get(ApiToken, token_id)
    hall: Hall | None
    if hall_code is not None:
        hall = hall_to_change(session, actor, hall_code)
        if token is None or token.hall_id != hall.id:
            raise Missing(N_("Không có mã truy cập này ở %(hall)s."), hall=hall.name)
    elif token is None:
        raise Missing(N_("Không có mã truy cập số %(id)d."), id=token_id)
    else:
        hall = session.get(Hall, token.hall_id) if token.hall_id is not None else None
        if hall is None:
            require_global_admin(actor)
        else:
            require_change(actor, hall)
    if token.revoked_at is not None:
        raise Refused(N_("Mã truy cập “%(name)s” đã bị thu hồi trước đó."), name=token.name)
    with audited(uow, actor, hall, "api_token", token.name, "revoke",
                 lambda: {"revoked": token.revoked_at is not None}):
        token.revoked_at = uow.clock.now()
    return token


def hall_tokens(session: Session, hall: Hall) -> list[ApiToken]:
    """The hall's API tokens (a person's token belongs to that person's hall), newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.hall_id == hall.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def all_tokens(session: Session, hall: Hall | None = None) -> list[ApiToken]:
    """Every API token, or one hall's, oldest first (the CLI's list)."""
    query = select(ApiToken).order_by(ApiToken.id)
    return list(session.scalars(query if hall is None else query.where(
        ApiToken.hall_id == hall.id)))


# --- devices: kiosks and rating tablets --------------------------------------------------------

# What a hall's staff may give a kiosk when the server's settings say nothing else.
HALL_PRINTERS = PrinterPolicy.from_settings(DEFAULTS["PRINTER_NETWORKS"], DEFAULTS["PRINTER_PORTS"])


def check_device(session: Session, hall: Hall, *, name: str, kind: DeviceKind,
                 printer: str | None, counter_number: int | None, itself: Device | None,
                 printers: PrinterPolicy | None) -> Counter | None:
    """Every problem of a device's fields; answers the counter a tablet stands at.

    `printers` None: any printer the server can drive, file: and preview: included (the
    server's own command line); the admin pages pass what a hall may have."""
    problems = Problems()
    if not name or len(name) > 120:
        problems.add("name", N_("Hãy đặt tên thiết bị (tối đa %(max)d ký tự)."), max=120)
    elif session.scalar(select(Device.id).where(
            Device.hall_id == hall.id, Device.name == name,
            Device.id != (itself.id if itself else -1))) is not None:
        problems.add("name", N_("Đã có thiết bị tên “%(name)s”."), name=name)
    counter = None
    if kind == DeviceKind.TABLET:
        if counter_number is None:
            problems.add("counter_number", N_("Máy đánh giá phải gắn với một quầy."))
        else:
            counter = next((c for c in hall.counters if c.number == counter_number), None)
            if counter is None:
                problems.add("counter_number", N_("Không có quầy số %(number)d."),
                             number=counter_number)
    elif printer:
        try:
            if printers is None:
                parse_printer_url(printer)
            else:
                printers.check(printer)
        except PrinterError as exc:
            problems.add("printer", N_("Máy in không dùng được: %(reason)s"), reason=str(exc))
    problems.raise_any()
    return counter


@use_case
def register_device(
    uow: UnitOfWork, *, actor: Actor, hall_code: str, name: str, kind: DeviceKind,
    printer: str | None = None, counter_number: int | None = None,
    printers: PrinterPolicy | None = HALL_PRINTERS,
) -> tuple[Device, str]:
    """Register a kiosk or a rating tablet; returns it and its token (shown once).

    A kiosk's printer must be one `printers` allows (the server's PRINTER_NETWORKS and
    PRINTER_PORTS settings; the defaults otherwise; None: any, for the server's CLI)."""
    session = uow.session
    hall = hall_to_change(session, actor, hall_code)
    counter = check_device(session, hall, name=name, kind=kind, printer=printer,
                           counter_number=counter_number, itself=None, printers=printers)
    token = new_device_token(kind)
    device = Device(hall_id=hall.id, kind=kind, name=name, token_hash=hash_token(token),
                    printer=printer if kind == DeviceKind.KIOSK else None,
                    counter_id=counter.id if counter else None,
                    created_at=uow.clock.now(), active=True)
    with audited(uow, actor, hall, "device", name, "create") as edit:
        session.add(device)
        session.flush()
        edit.note({"kind": [None, kind.value], "printer": [None, device.printer],
                   "counter": [None, counter_number]})
    return device, token


def token_state(token: ApiToken, now: datetime) -> str:
    """"revoked", "expired" or "active": what a request with the token would meet."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


