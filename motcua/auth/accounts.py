"""Creating staff, tokens and devices, and turning a bearer token into an `Actor`.

Tokens are random and stored only as SHA-256 digests: a leaked database does not leak
working tokens. Passwords are hashed with scrypt (werkzeug's default).
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from motcua.core.clock import HALL_TIME_ZONE, Clock
from motcua.core.db import with_retry
from motcua.printer.device.errors import PrinterError
from motcua.printer.device.urls import parse_printer_url
from motcua.queue import errors
from motcua.queue.models import Counter, Hall
from motcua.core.accounts import ApiToken, Device, StaffUser
from motcua.core.actors import DeviceKind, Role
from motcua.queue.services import get_counter, get_hall
from motcua.core.actors import Actor

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD = 8


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A token's prefix says what it is, so a request is authenticated with one look-up.
API_TOKEN_PREFIX = "mct_"
DEVICE_TOKEN_PREFIXES = {DeviceKind.KIOSK: "mck_", DeviceKind.TABLET: "mcr_"}


def _new_token(prefix: str) -> str:
    return f"{prefix}{secrets.token_urlsafe(24)}"


def new_device_token(kind: DeviceKind) -> str:
    return _new_token(DEVICE_TOKEN_PREFIXES[kind])


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_password(user: StaffUser, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def actor_for_user(user: StaffUser) -> Actor:
    return Actor(kind="staff", name=user.username, role=user.role, user_id=user.id,
                 hall_id=user.hall_id)


def create_user(
    session: Session, clock: Clock, *, username: str, role: Role, password: str | None = None,
    hall_code: str | None = None, full_name: str = "",
) -> tuple[StaffUser, str]:
    """Returns the user and the password (generated when none is given)."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise errors.InvalidInput("Username: 2-80 lower-case letters, digits, '.', '_' or '-'")
    if password is None:
        password = secrets.token_urlsafe(9)
    if len(password) < MIN_PASSWORD:
        raise errors.InvalidInput(f"Password must have at least {MIN_PASSWORD} characters")
    if session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise errors.Conflict(f"User '{username}' already exists")
    hall = get_hall(session, hall_code) if hall_code else None
    if role != Role.ADMIN and hall is None:
        raise errors.InvalidInput("Officers and supervisors belong to a hall: give --hall")
    user = StaffUser(username=username, full_name=full_name or username, role=role,
                     password_hash=hash_password(password), hall_id=hall.id if hall else None,
                     created_at=clock.now())
    session.add(user)
    session.commit()
    return user, password


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


def end_every_session(session: Session, user_id: int) -> None:
    """Sign the person out everywhere: every session cookie issued so far stops working."""

    def work() -> None:
        session.execute(update(StaffUser).where(StaffUser.id == user_id)
                        .values(session_version=StaffUser.session_version + 1))
        session.commit()

    with_retry(session, work)


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
        raise errors.InvalidInput(f"--expires '{text}': {EXPIRY_FORMS}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(zone))


def token_time_zone(session: Session, *, hall_code: str | None, username: str | None) -> str:
    """The time zone a token's dates are read in: its hall's, or its person's hall's."""
    if username is not None:
        user = session.scalar(select(StaffUser).where(StaffUser.username == username))
        return user.hall.time_zone if user is not None and user.hall else HALL_TIME_ZONE
    return get_hall(session, hall_code).time_zone if hall_code else HALL_TIME_ZONE


def create_api_token(
    session: Session, clock: Clock, *, name: str, role: Role, hall_code: str | None = None,
    username: str | None = None, expires_at: datetime | None = None,
) -> str:
    """A token for a script (with its own role and hall) or one that acts as a staff member;
    with `expires_at` (aware) it stops working at that instant."""
    if expires_at is not None and expires_at.tzinfo is None:
        raise errors.InvalidInput("An expiry needs a time zone")
    if expires_at is not None and expires_at <= clock.now():
        raise errors.InvalidInput("The expiry is already past")
    hall = get_hall(session, hall_code) if hall_code else None
    user = None
    if username is not None:
        user = session.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            raise errors.InvalidInput(f"No user '{username}'")
        role, hall_id = user.role, user.hall_id
    else:
        hall_id = hall.id if hall else None
    token = _new_token(API_TOKEN_PREFIX)
    session.add(ApiToken(name=name, token_hash=hash_token(token), role=role, hall_id=hall_id,
                         user_id=user.id if user else None, created_at=clock.now(),
                         expires_at=expires_at))
    session.commit()
    return token


def register_device(
    session: Session, clock: Clock, *, hall_code: str, name: str, kind: DeviceKind,
    printer: str | None = None, counter_number: int | None = None,
) -> tuple[Device, str]:
    """A kiosk or tablet from the server's command line; its token is shown once.

    Any printer URL the server can drive is accepted here, file: and preview: included;
    the admin pages take only what a hall has (`PrinterPolicy`).
    """
    hall: Hall = get_hall(session, hall_code)
    counter: Counter | None = (
        get_counter(session, hall, counter_number) if counter_number is not None else None)
    if kind == DeviceKind.TABLET and counter is None:
        raise errors.InvalidInput("A rating tablet belongs to a counter")
    if printer:
        try:  # any printer the server can drive: this is the server's own command line
            parse_printer_url(printer)
        except PrinterError as exc:
            raise errors.InvalidInput(str(exc)) from None
    if session.scalar(select(Device).where(Device.hall_id == hall.id, Device.name == name)):
        raise errors.Conflict(f"Hall '{hall.code}' already has a device named '{name}'")
    token = new_device_token(kind)
    device = Device(hall_id=hall.id, kind=kind, name=name, token_hash=hash_token(token),
                    printer=printer, counter_id=counter.id if counter else None,
                    created_at=clock.now())
    session.add(device)
    session.commit()
    return device, token


def token_state(token: ApiToken, now: datetime) -> str:
    """"revoked", "expired" or "active": what a request with the token would meet."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


_LIVE_API_TOKEN = select(ApiToken).where(
    ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None),
    or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")))
# How exact "last used" is: one write per token per step, not one per request.
LAST_USED_STEP = timedelta(minutes=5)
_ACTIVE_DEVICE = select(Device).where(Device.token_hash == bindparam("digest"),
                                      Device.active.is_(True))


def device_for_token(session: Session, token: str) -> Device | None:
    if not token.startswith(tuple(DEVICE_TOKEN_PREFIXES.values())):
        return None
    return session.scalar(_ACTIVE_DEVICE, {"digest": hash_token(token)})


def actor_for_device(device: Device) -> Actor:
    return Actor(kind=device.kind.value, name=device.name, hall_id=device.hall_id,
                 device_id=device.id)


def _note_use(session: Session, api_token: ApiToken, now: datetime) -> None:
    """Keep "last used" for the admin page; at most once per `LAST_USED_STEP`."""
    if api_token.last_used_at is not None and now - api_token.last_used_at < LAST_USED_STEP:
        return

    def work() -> None:
        api_token.last_used_at = now
        session.commit()

    with_retry(session, work)


def authenticate_bearer(session: Session, clock: Clock,
                        token: str) -> tuple[Actor | None, Device | None]:
    """The actor behind a bearer token (None when unknown, revoked or expired) and, when the
    token is a kiosk's or a tablet's, that device (its printer is needed right after issuing)."""
    if token.startswith(API_TOKEN_PREFIX):
        now = clock.now()
        api_token = session.scalar(_LIVE_API_TOKEN, {"digest": hash_token(token), "now": now})
        if api_token is None:
            return None, None
        _note_use(session, api_token, now)
        if api_token.user is not None:
            return (actor_for_user(api_token.user) if api_token.user.active else None), None
        return Actor(kind="token", name=api_token.name, role=api_token.role,
                     hall_id=api_token.hall_id), None
    device = device_for_token(session, token)
    return (actor_for_device(device) if device is not None else None), device
